using System.Globalization;
using System.Text.Json;
using Marketplace.Application.Access;
using Marketplace.Domain;
using Marketplace.Domain.Aggregates;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Aggregates;

/// <summary>
/// Bounds of one aggregate query (configuration section Marketplace:Aggregates). With the defaults a query over the
/// largest revision allowed took about 0.7 to 1.7 s on the 2-core test machine and holds tens of megabytes.
/// </summary>
public sealed class AggregateLimits
{
    /// <summary>
    /// Most records one query reads. A revision holding more is refused before any is read (413, nothing metered):
    /// statistics over part of the data would be wrong numbers, so none are given.
    /// </summary>
    public long MaxRowsScanned { get; init; } = 200_000;

    /// <summary>Most distinct groups one query may form, kept or not (memory); past it the query is refused (413).</summary>
    public int MaxGroupsSeen { get; init; } = 50_000;

    /// <summary>Most groups one answer returns; a query whose kept groups are more is refused (413): group by fewer dimensions.</summary>
    public int MaxGroupsReturned { get; init; } = 5_000;

    /// <summary>Records read per page of the record store.</summary>
    public int PageSize { get; init; } = 1_000;
}

/// <summary>
/// An aggregate answer: the groups and the rule they were published under, from which revision, and how it was metered.
/// <see cref="Counted"/> holds the people counted (before suppression), for the records of provision and the revenue
/// share; it never leaves on the wire.
/// </summary>
public sealed record AggregateAnswer(
    string ContractId,
    string RevisionId,
    AggregateQuery Query,
    AggregateResult Result,
    IReadOnlySet<string> Counted,
    long UnitsMetered,
    bool Replayed);

/// <summary>
/// k-anonymous statistics under a contract, the one place they are computed: authorize as the broker does (state,
/// ownership, purpose, end date, quota), check the query against the contract's aggregate terms, read the dataset's
/// current revision a page at a time keeping only the people <see cref="IAggregateConsent"/> counts for this contract,
/// group, suppress, round, and meter one unit per answer. A retry with the same Idempotency-Key is computed again from
/// the stored revision (under consent as it is now) and meters nothing; the same key with another query is refused.
/// </summary>
public sealed class ContractAggregates(GrainReferences grains, IRecordStore store, IAggregateConsent consent, BillingCalendar calendar, AggregateLimits limits, IProvisionLog provisions)
{
    public async Task<AggregateAnswer> QueryAsync(ApiPrincipal buyer, string contractId, AggregateFetch fetch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(buyer);
        ArgumentNullException.ThrowIfNull(fetch);
        var key = AccessBroker.CheckIdempotencyKey(fetch.IdempotencyKey);
        var eventId = key is null ? Guid.CreateVersion7().ToString("N") : AccessBroker.IdempotencyKeyPrefix + key;
        var holdId = key is null ? eventId : Guid.CreateVersion7().ToString("N");
        var contractGrain = grains.Get<IContractGrain>(contractId);
        var meter = grains.Get<IUsageMeterGrain>(UsageMeterKey.For(contractId));

        var grant = await contractGrain.Authorize(buyer.PartyId, 1, holdId);
        var held = grant.Allowed;
        try
        {
            if (!grant.Allowed && (grant.Denial != AccessDenial.QuotaExceeded || key is null))
            {
                throw new DomainException(grant.Denial == AccessDenial.QuotaExceeded ? ErrorCodes.AccessQuotaExceeded : ErrorCodes.AccessNotPermitted,
                    grant.Reason);
            }
            var contract = await contractGrain.Get()
                ?? throw new DomainException(ErrorCodes.ContractNotFound, $"There is no contract '{contractId}'.");
            var policy = contract.Terms.Policy.Aggregates
                ?? throw new DomainException(ErrorCodes.AggregateNotOffered,
                    $"Contract '{contractId}' gives records, not aggregates: its offering names no dimensions to group by. Read its records at /api/v1/contracts/{contractId}/records.");
            var query = AggregateQuery.Parse(fetch, policy);
            var dataset = await grains.Get<IDatasetGrain>(grant.DatasetId).Get()
                ?? throw new DomainException(ErrorCodes.DatasetNotFound, $"The dataset of contract '{contractId}' no longer exists.");

            if (key is not null && await meter.Find(eventId) is { } earlier)
            {
                return await ReplayAsync(earlier, query, contract, dataset, policy, cancellationToken);
            }
            if (!grant.Allowed)
            {
                throw new DomainException(ErrorCodes.AccessQuotaExceeded, grant.Reason);
            }
            var revision = dataset.CurrentRevision
                ?? throw new DomainException(ErrorCodes.DatasetNoData, $"Dataset '{dataset.Id}' has no published revision yet.");
            var (result, counted, consentOf) = await ComputeAsync(contract, dataset, revision, query, policy, cancellationToken);
            if (dataset.Definition.PersonalProfile is { } profile)
            {
                // Each person counted is on the record of provision (APPI) before the answer leaves, once per query.
                IReadOnlyList<string> items = [.. query.GroupBy.Append(query.Measure).OfType<string>().Where(f => profile.Find(f) is not null)];
                var now = calendar.Now;
                await provisions.AppendAsync([.. consentOf.Select(c => new Provision(eventId, dataset.ProviderId, c.Key, contract.Id, contract.BuyerId, dataset.Id,
                    contract.Purpose, c.Value, items, Records: 0, Aggregate: true, now, grant.Period))], cancellationToken);
            }
            var served = new AggregateServed(query, revision.RevisionId);
            var source = key is null ? UsageSources.BrokerAssigned : UsageSources.BrokerIdempotent;
            var receipt = await meter.Record(new UsageEvent(eventId, 1, calendar.Now, source, key is null ? null : served.Encode(), holdId));
            held = false;
            if (receipt.Duplicate)
            {
                // A concurrent request with the same key won the race: answer as it did.
                return await ReplayAsync(receipt, query, contract, dataset, policy, cancellationToken);
            }
            return new AggregateAnswer(contractId, revision.RevisionId, query, result, counted, 1, Replayed: false);
        }
        finally
        {
            if (held)
            {
                // Not metered (a replay, a refused query or a failure): the unit it held goes back to the quota now.
                await meter.Release(holdId);
            }
        }
    }

    private async Task<AggregateAnswer> ReplayAsync(
        UsageReceipt earlier, AggregateQuery query, ContractView contract, DatasetView dataset, AggregatePolicy policy, CancellationToken cancellationToken)
    {
        var first = AggregateServed.TryDecode(earlier.Fingerprint);
        if (first is null || !first.Query.Equals(query))
        {
            throw new DomainException(ErrorCodes.IdempotencyKeyConflict,
                "This Idempotency-Key was already used for a different request (other groupBy or measure, or a page of records); use a new key for a new request.");
        }
        var revision = dataset.Revisions.FirstOrDefault(r => r.RevisionId == first.RevisionId)
            ?? throw new DomainException(ErrorCodes.RevisionConflict, "The revision this answer was computed from is gone; send the query again with a new Idempotency-Key.");
        var (result, counted, _) = await ComputeAsync(contract, dataset, revision, query, policy, cancellationToken);
        return new AggregateAnswer(contract.Id, revision.RevisionId, query, result, counted, earlier.Units, Replayed: true);
    }

    private async Task<(AggregateResult Result, IReadOnlySet<string> Counted, IReadOnlyDictionary<string, string> ConsentOf)> ComputeAsync(
        ContractView contract, DatasetView dataset, DatasetRevision revision, AggregateQuery query, AggregatePolicy policy, CancellationToken cancellationToken)
    {
        if (revision.Records > limits.MaxRowsScanned)
        {
            throw TooManyRows(revision.Records);
        }
        var hasSubjects = dataset.Definition.Schema.SubjectField is not null;
        IReadOnlyList<string> fields = query.Measure is null ? query.GroupBy : [.. query.GroupBy, query.Measure];
        var aggregation = new KAnonymousAggregation(query.GroupBy.Count, policy.Rounding);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var consentOf = new Dictionary<string, string>(StringComparer.Ordinal);
        long after = 0;
        long scanned = 0;
        while (true)
        {
            var page = await store.ReadPageAsync(revision.RevisionId, after, limits.PageSize, [], cancellationToken);
            scanned += page.Records.Count;
            if (scanned > limits.MaxRowsScanned)
            {
                throw TooManyRows(scanned);
            }
            // A dataset without a subject field describes no people: each record stands for one.
            var subjects = page.Records.Select(r => hasSubjects ? r.SubjectId ?? "" : "#" + r.Sequence.ToString(CultureInfo.InvariantCulture)).ToList();
            var allowed = hasSubjects
                ? await consent.CountedAsync(contract, dataset, subjects.Distinct(StringComparer.Ordinal).ToList(), fields, cancellationToken)
                : null;
            for (var i = 0; i < page.Records.Count; i++)
            {
                if (allowed is not null && !allowed.ContainsKey(subjects[i]))
                {
                    continue;
                }
                if (counted.Add(subjects[i]) && allowed is not null && allowed[subjects[i]].Length > 0)
                {
                    consentOf[subjects[i]] = allowed[subjects[i]];
                }
                aggregation.Add(RowOf(page.Records[i], subjects[i], query));
            }
            if (aggregation.GroupsSeen > limits.MaxGroupsSeen)
            {
                throw TooManyGroups();
            }
            if (page.NextAfterSequence is not { } next)
            {
                break;
            }
            after = next;
        }
        var result = aggregation.Result();
        if (result.Groups.Count > limits.MaxGroupsReturned)
        {
            throw TooManyGroups();
        }
        return (result, counted, consentOf);
    }

    private static AggregateRow RowOf(StoredRecord record, string subject, AggregateQuery query)
    {
        using var json = JsonDocument.Parse(record.Json);
        var root = json.RootElement;
        var keys = new string?[query.GroupBy.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = root.TryGetProperty(query.GroupBy[i], out var value) ? TextOf(value) : null;
        }
        decimal? measure = null;
        if (query.Measure is not null && root.TryGetProperty(query.Measure, out var number) && number.ValueKind == JsonValueKind.Number)
        {
            measure = number.TryGetDecimal(out var exact)
                ? exact
                : throw new DomainException(ErrorCodes.AggregateMeasureOverflow,
                    $"A value of '{query.Measure}' ({TextBounds.Shorten(number.GetRawText())}) is beyond what a decimal holds; it cannot be summed exactly.");
        }
        return new AggregateRow(subject, keys, measure);
    }

    private static string? TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private DomainException TooManyRows(long records) =>
        new(ErrorCodes.AggregateTooManyRows, string.Create(CultureInfo.InvariantCulture,
            $"The dataset's current revision holds {records:N0} records; an aggregate query reads at most {limits.MaxRowsScanned:N0}, and statistics over part of the data would be wrong, so none were computed and nothing was metered. Ask the provider for a smaller revision or an offering of a summary."));

    private DomainException TooManyGroups() =>
        new(ErrorCodes.AggregateTooManyGroups, string.Create(CultureInfo.InvariantCulture,
            $"This grouping makes more than {limits.MaxGroupsReturned:N0} groups to publish (or {limits.MaxGroupsSeen:N0} to count); group by fewer dimensions. Nothing was metered."));
}
