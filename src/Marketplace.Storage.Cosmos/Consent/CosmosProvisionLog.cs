using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Consent;

/// <summary>
/// The record of provision on Cosmos (see DESIGN.md, "Consent"): one document per (event, person) in the person's own
/// partition, created if absent (a 409 is a provision already recorded). A person's list is one partition's query,
/// newest first by <c>k</c>; a contract's period counts are one indexed query across partitions, summed here.
/// </summary>
public sealed class CosmosProvisionLog(CosmosStore store) : IProvisionLog
{
    public async Task AppendAsync(IReadOnlyList<Provision> provisions, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckProvisions(provisions);
        if (provisions.Count == 0)
        {
            return;
        }
        var container = await store.ContainerAsync(CosmosStore.ConsentContainer, cancellationToken).ConfigureAwait(false);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, store.Options.WriteConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(provisions, options, async (provision, ct) =>
        {
            var document = ProvisionDocument.For(provision);
            try
            {
                await store.Retry.ExecuteAsync("record provision", token => container.CreateItemAsync(
                    document, new PartitionKey(document.PartitionKey), cancellationToken: token), ct).ConfigureAwait(false);
            }
            catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
            {
                // Already recorded (by a retry of this event, or this call's own first attempt): left as it is.
            }
        }).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Provision>> ListBySubjectAsync(string bankId, string subjectId, (DateTimeOffset At, string EventId)? before, int pageSize, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckSubjectPage(bankId, subjectId, before, pageSize);
        var container = await store.ContainerAsync(CosmosStore.ConsentContainer, cancellationToken).ConfigureAwait(false);
        var sql = "SELECT TOP @take * FROM c WHERE c.kind = @kind" + (before is null ? "" : " AND c.k < @before") + " ORDER BY c.k DESC";
        var query = new QueryDefinition(sql).WithParameter("@take", pageSize).WithParameter("@kind", ProvisionDocument.Kind);
        if (before is { } b)
        {
            query = query.WithParameter("@before", ProvisionDocument.SortKeyFor(b.At, b.EventId));
        }
        var options = new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(ProvisionDocument.PartitionFor(bankId, subjectId)),
            MaxItemCount = pageSize,
            EnableOptimisticDirectExecution = true,
        };
        var page = new List<Provision>(Math.Min(pageSize, 256));
        using var iterator = container.GetItemQueryIterator<ProvisionDocument>(query, requestOptions: options);
        while (page.Count < pageSize && iterator.HasMoreResults)
        {
            var documents = await store.Retry.ExecuteAsync("list provisions", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false);
            page.AddRange(documents.Select(d => d.ToProvision()));
        }
        return page.Count > pageSize ? page[..pageSize] : page;
    }

    public async Task<IReadOnlyList<ProvisionCount>> CountByContractAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        var container = await store.ContainerAsync(CosmosStore.ConsentContainer, cancellationToken).ConfigureAwait(false);
        // No GROUP BY here (see DESIGN.md): the matching provisions' three small fields are summed in process.
        var query = new QueryDefinition(
            "SELECT c.subjectId, c.records, c.aggregate FROM c WHERE c.kind = @kind AND c.contractId = @contract AND c.period = @period")
            .WithParameter("@kind", ProvisionDocument.Kind)
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
}
