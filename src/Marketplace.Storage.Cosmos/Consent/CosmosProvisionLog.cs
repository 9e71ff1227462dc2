using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Consent;

/// <summary>
/// The record of provision on Cosmos (see DESIGN.md, "Consent"), in its own container: each usage event is a partition
/// of one or more parts, each person in exactly one part, so a page of 1,000 people is one or two creates instead of
/// 1,000. Parts are created in order; a 409 on part n means another append of the same event (a retry, or a concurrent
/// request with the same key) wrote it first: its people count as recorded and the rest go on in part n + 1. A person's
/// list and a contract's period counts are queries across events through <c>JOIN p IN c.people</c>.
/// </summary>
public sealed class CosmosProvisionLog(CosmosStore store) : IProvisionLog
{
    /// <summary>People in one part: a full page of the broker's in one create.</summary>
    internal const int MaxPeoplePerPart = 1_000;

    /// <summary>Far below Cosmos' 2 MB item limit, whatever the items' names.</summary>
    internal const int MaxPartBytes = 512 * 1024;

    // Every round records a part or learns one written by another append; an event with this many parts is not a page's.
    private const int MaxRounds = 4_096;

    public async Task AppendAsync(IReadOnlyList<Provision> provisions, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckProvisions(provisions);
        if (provisions.Count == 0)
        {
            return;
        }
        var container = await store.ContainerAsync(CosmosStore.ProvisionsContainer, cancellationToken).ConfigureAwait(false);
        var events = provisions.GroupBy(p => p.EventId, StringComparer.Ordinal).Select(e => e.ToList()).ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, store.Options.WriteConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(events, options, async (ofEvent, ct) => await AppendEventAsync(container, ofEvent, ct).ConfigureAwait(false))
            .ConfigureAwait(false);
    }

    private async Task AppendEventAsync(Container container, List<Provision> ofEvent, CancellationToken cancellationToken)
    {
        // Each person once (their first provision in this call), in subject order, so a retry cuts the same parts.
        var people = ofEvent.DistinctBy(p => p.SubjectId, StringComparer.Ordinal)
            .OrderBy(p => p.SubjectId, StringComparer.Ordinal)
            .Select(ProvisionPerson.For)
            .ToList();
        var key = new PartitionKey(ProvisionPartDocument.PartitionFor(ofEvent[0].EventId));
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        ProvisionPartDocument? first = null; // part 0 as stored: later parts repeat what it says the event was
        var part = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            var next = NextPart(people, recorded);
            if (next.Length == 0)
            {
                return;
            }
            var document = first is null ? ProvisionPartDocument.For(ofEvent[0], next) : first.Part(part, next);
            try
            {
                await store.Retry.ExecuteAsync("record provision", ct => container.CreateItemAsync(document, key, cancellationToken: ct),
                    cancellationToken).ConfigureAwait(false);
                first ??= document;
                recorded.UnionWith(next.Select(p => p.SubjectId));
                part++;
            }
            catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
            {
                // Written first by another append of this event (or by this one, whose answer was lost): whoever it
                // names is recorded; the others go on in the next part.
                if (await ReadPartAsync(container, part, key, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    first ??= stored;
                    recorded.UnionWith(stored.People.Select(p => p.SubjectId));
                    part++;
                }
            }
        }
        throw new StoreUnavailableException($"The record of provision of event '{ofEvent[0].EventId}' kept changing while it was being written; try again.");
    }

    /// <summary>The next people not yet recorded, in order, as many as one part holds.</summary>
    private static ProvisionPerson[] NextPart(List<ProvisionPerson> people, HashSet<string> recorded)
    {
        var part = new List<ProvisionPerson>();
        var bytes = 0;
        foreach (var person in people)
        {
            if (recorded.Contains(person.SubjectId))
            {
                continue;
            }
            var size = person.EstimatedBytes();
            if (part.Count == MaxPeoplePerPart || (part.Count > 0 && bytes + size > MaxPartBytes))
            {
                break;
            }
            part.Add(person);
            bytes += size;
        }
        return [.. part];
    }

    private async Task<ProvisionPartDocument?> ReadPartAsync(Container container, int part, PartitionKey key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await store.Retry.ExecuteAsync("read provision", ct => container.ReadItemAsync<ProvisionPartDocument>(
                ProvisionPartDocument.IdFor(part), key, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return response.Resource;
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // removed since (the retention trim): the same part is written again
        }
    }

    public async Task<IReadOnlyList<Provision>> ListBySubjectAsync(string bankId, string subjectId, (DateTimeOffset At, string EventId)? before, int pageSize, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckSubjectPage(bankId, subjectId, before, pageSize);
        var container = await store.ContainerAsync(CosmosStore.ProvisionsContainer, cancellationToken).ConfigureAwait(false);
        var sql = "SELECT TOP @take c.k, c.eventId, c.bankId, c.contractId, c.buyerId, c.datasetId, c.purpose, c.aggregate, c.at, c.period, p.s, p.c, p.i, p.r"
            + " FROM c JOIN p IN c.people WHERE c.bankId = @bank AND p.s = @subject"
            + (before is null ? "" : " AND c.k < @before") + " ORDER BY c.k DESC";
        var query = new QueryDefinition(sql).WithParameter("@take", pageSize).WithParameter("@bank", bankId).WithParameter("@subject", subjectId);
        if (before is { } b)
        {
            query = query.WithParameter("@before", ProvisionPartDocument.SortKeyFor(b.At, b.EventId));
        }
        var page = new List<Provision>(Math.Min(pageSize, 256));
        using var iterator = container.GetItemQueryIterator<ProvisionRow>(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize });
        while (page.Count < pageSize && iterator.HasMoreResults)
        {
            var rows = await store.Retry.ExecuteAsync("list provisions", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false);
            page.AddRange(rows.Select(r => r.ToProvision()));
        }
        return page.Count > pageSize ? page[..pageSize] : page;
    }

    public async Task<IReadOnlyList<ProvisionCount>> CountByContractAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        var container = await store.ContainerAsync(CosmosStore.ProvisionsContainer, cancellationToken).ConfigureAwait(false);
        // No GROUP BY here (see DESIGN.md): each person's three small fields per event are summed in process.
        var query = new QueryDefinition(
            "SELECT p.s, p.r, c.aggregate FROM c JOIN p IN c.people WHERE c.contractId = @contract AND c.period = @period")
            .WithParameter("@contract", contractId)
            .WithParameter("@period", period);
        var sums = new SortedDictionary<string, (long Records, long Counted)>(StringComparer.Ordinal);
        using var iterator = container.GetItemQueryIterator<ProvisionCountRow>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1_000 });
        while (iterator.HasMoreResults)
        {
            foreach (var row in await store.Retry.ExecuteAsync("count provisions", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false))
            {
                var (records, counted) = sums.GetValueOrDefault(row.SubjectId);
                sums[row.SubjectId] = (checked(records + row.Records), checked(counted + (row.Aggregate ? 1 : 0)));
            }
        }
        return [.. sums.Select(s => new ProvisionCount(s.Key, s.Value.Records, s.Value.Counted))];
    }

    public async Task<int> PruneAsync(DateTimeOffset before, int maxEvents, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        var container = await store.ContainerAsync(CosmosStore.ProvisionsContainer, cancellationToken).ConfigureAwait(false);
        // The oldest events' parts; an event's parts share "at", so whole events go (a part left by an interrupted
        // call is found again by the next).
        var query = new QueryDefinition("SELECT c.id, c.pk, c.eventId FROM c WHERE c.at < @before ORDER BY c.at")
            .WithParameter("@before", ConsentStamps.Stamp(before));
        var parts = new List<ProvisionPartRef>();
        var events = new HashSet<string>(StringComparer.Ordinal);
        using (var iterator = container.GetItemQueryIterator<ProvisionPartRef>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1_000 }))
        {
            var full = false;
            while (!full && iterator.HasMoreResults)
            {
                foreach (var part in await store.Retry.ExecuteAsync("find stale provisions", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false))
                {
                    if (!events.Contains(part.EventId))
                    {
                        if (events.Count == maxEvents)
                        {
                            full = true;
                            break;
                        }
                        events.Add(part.EventId);
                    }
                    parts.Add(part);
                }
            }
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, store.Options.WriteConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(parts, options, async (part, ct) =>
        {
            try
            {
                await store.Retry.ExecuteAsync("remove provision", t => container.DeleteItemAsync<ProvisionPartRef>(part.Id, new PartitionKey(part.PartitionKey), cancellationToken: t), ct)
                    .ConfigureAwait(false);
            }
            catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
            {
                // Removed already (a repeated call, or another host's job).
            }
        }).ConfigureAwait(false);
        return events.Count;
    }
}
