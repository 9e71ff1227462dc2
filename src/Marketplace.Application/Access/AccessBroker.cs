using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Marketplace.Application.Consent;
using Marketplace.Application.Telemetry;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Access;

/// <summary>A buyer's fetch as it arrived, before any check: raw cursor, limit, filters and Idempotency-Key.</summary>
/// <param name="Filters">Every other query parameter as (field, value), repeated names kept, in arrival order.</param>
public sealed record RecordFetch(string? Cursor, string? Limit, IReadOnlyList<KeyValuePair<string, string?>> Filters, string? IdempotencyKey);

/// <summary>A page as answered: the records, where to go next, the units metered and whether it was a replay.</summary>
public sealed record RecordAnswer(string ContractId, string RevisionId, RecordPage Page, string? NextCursor, long UnitsMetered, bool Replayed)
{
    /// <summary>The page's records as a UTF-8 JSON array when the page was kept (written once per kept page); empty otherwise.</summary>
    public ReadOnlyMemory<byte> RecordsJson { get; init; }
}

/// <summary>
/// Brokered access, the one place it is decided: authorize (contract state, purpose, end date, quota) → read the
/// page → meter it → answer. Every record served under a record-priced plan is metered exactly once: a retry with
/// the same Idempotency-Key is answered from the stored request and revision and meters nothing; the same key with
/// another request is refused. The API and the web pages both call this.
/// </summary>
/// <remarks>
/// A fetch on a leased contract (<see cref="AccessLeases"/>: active, no quota, records may leave, held here) makes no
/// grain call; any other fetch costs two (Authorize, and the dataset read alongside it). Usage of a contract without a quota
/// goes straight to the group-committing ledger, durable before the answer; the meter is needed only to weigh usage
/// against a quota (a capped plan), or to remember Idempotency-Keys where the ledger holds ids only per period. A
/// fetch with an Idempotency-Key from a local dataset without personal data is read and recorded without looking the
/// key up first: recording says whether the key was used before, and a duplicate is answered as a replay.
/// </remarks>
public sealed class AccessBroker(GrainReferences grains, IRecordStore store, BillingCalendar calendar, PersonalDataAccess personal, IProvisionLog provisions,
    MarketplaceMetrics metrics, IRelayedRecords relayed, RevisionPageCache pages, IUsageLedger ledger, AccessLeases leases)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Buyers' Idempotency-Keys become usage event ids in this namespace; providers may not use it.</summary>
    public const string IdempotencyKeyPrefix = "idem:";

    /// <summary>Bound on the contract → dataset map (an immutable fact per contract, so never stale; cleared when full).</summary>
    private const int MaxRememberedContracts = 100_000;

    private readonly ConcurrentDictionary<string, string> _datasetOfContract = new(StringComparer.Ordinal);

    public async Task<RecordAnswer> FetchAsync(ApiPrincipal buyer, string contractId, RecordFetch fetch, CancellationToken cancellationToken = default)
    {
        var (answer, datasetClass) = await AnswerAsync(buyer, contractId, fetch, cancellationToken);
        metrics.RecordsServed(datasetClass, answer.Page.Records.Count);
        return answer;
    }

    private async Task<(RecordAnswer Answer, DatasetClass DatasetClass)> AnswerAsync(ApiPrincipal buyer, string contractId, RecordFetch fetch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buyer);
        ArgumentNullException.ThrowIfNull(fetch);
        // Everything that can be checked without the store is checked before any work is done.
        var key = CheckIdempotencyKey(fetch.IdempotencyKey);
        var limit = ParseLimit(fetch.Limit);
        var cursor = string.IsNullOrEmpty(fetch.Cursor) ? null : RecordCursor.Decode(fetch.Cursor);
        var eventId = key is null ? Guid.CreateVersion7().ToString("N") : IdempotencyKeyPrefix + key;

        var holdId = key is null ? eventId : Guid.CreateVersion7().ToString("N");

        var meter = grains.Get<IUsageMeterGrain>(UsageMeterKey.For(contractId));
        // A leased contract is decided here, with no grain call (ACCESS-LEASE.md): the lease holds the contract's
        // terms and its dataset as the grains would answer them now.
        var lease = leases.Find(contractId, buyer.PartyId);
        var leasedGrant = lease?.GrantAt(limit, calendar.CurrentPeriod(), calendar.Now);
        Task<DatasetView?>? reading = null;
        AccessGrant grant;
        if (leasedGrant is not null)
        {
            grant = leasedGrant;
            reading = Task.FromResult<DatasetView?>(lease!.Dataset);
        }
        else
        {
            // The dataset is read together with the authorization: a contract's dataset never changes (its terms are
            // a snapshot), so once known it is read alongside; what a refused request read is dropped.
            var authorizing = grains.Get<IContractGrain>(contractId).Authorize(buyer.PartyId, limit, holdId);
            reading = _datasetOfContract.TryGetValue(contractId, out var knownDataset) ? grains.Get<IDatasetGrain>(knownDataset).Get() : null;
            try
            {
                grant = await authorizing;
            }
            catch
            {
                Observe(reading);
                throw;
            }
        }
        // A plan without a quota holds nothing: no release is owed on failure.
        var held = grant.Allowed && !grant.Uncapped;
        try
        {
            if (grant.AggregateOnly)
            {
                throw new DomainException(ErrorCodes.AccessAggregateOnly,
                    $"Contract '{contractId}' gives aggregates only: no record leaves under it. Ask for k-anonymous statistics instead: GET /api/v1/contracts/{contractId}/aggregate?groupBy=<dimension>[&measure=<field>] (the offering's policy names the dimensions and measures).");
            }
            // A replay needs an active contract (a suspension or an ended consent stops it too), not quota left.
            if (!grant.Allowed && (grant.Denial != AccessDenial.QuotaExceeded || key is null))
            {
                throw new DomainException(grant.Denial == AccessDenial.QuotaExceeded ? ErrorCodes.AccessQuotaExceeded : ErrorCodes.AccessNotPermitted,
                    grant.Reason);
            }
            if (reading is null)
            {
                RememberDataset(contractId, grant.DatasetId);
            }
            var dataset = (reading is null ? null : await reading) ?? await DatasetOf(grant.DatasetId, contractId);
            var query = new RecordQuery(cursor, limit, ParseFilters(fetch.Filters, dataset.Definition.Schema));
            var access = grant.DatasetClass == DatasetClass.Personal
                ? new PersonalAccess(contractId, buyer.PartyId, grant.Purpose, dataset, calendar.Now, grant.Period)
                : null;
            // h5 (issue 12): a relayed dataset's pages are read at the partner city; everything else here is the same.
            var relay = await relayed.RelayOfAsync(dataset.Id, cancellationToken);
            // Only a contract decided by its policy alone is leased: no quota, records may leave, held here. Asked
            // for beside this fetch, not awaited by it: the lease serves the next ones, and its grain may be busy.
            if (leasedGrant is null && grant.Allowed && grant.Uncapped && !grant.AggregateOnly && relay is null)
            {
                _ = leases.LeaseAsync(contractId, buyer.PartyId);
            }
            // A key is looked up first where reading ahead would do something a replay must not (write provision
            // records, ask the partner city) or could not (no quota left). Otherwise the page is read (from memory)
            // and recording the event says whether the key was used before.
            var lookedUp = key is not null && (access is not null || relay is not null || !grant.Allowed);
            if (lookedUp && await FindAsync(meter, contractId, eventId) is { } earlier)
            {
                return (await ReplayAsync(earlier, query, contractId, access, eventId, relay, cancellationToken), grant.DatasetClass);
            }
            if (!grant.Allowed)
            {
                throw new DomainException(ErrorCodes.AccessQuotaExceeded, grant.Reason);
            }
            var readLimit = (int)Math.Min(grant.UnitsGranted, limit);
            string revisionId;
            RecordPage page;
            byte[]? recordsJson = null;
            if (relay is not null)
            {
                (revisionId, page) = await relay.ReadAsync(contractId, eventId, query, readLimit, cancellationToken);
            }
            else
            {
                try
                {
                    revisionId = RevisionToRead(dataset, cursor);
                }
                catch (DomainException) when (key is not null && !lookedUp)
                {
                    // The revision read first may be gone (retired) while a replay reads the one it stored.
                    if (await FindAsync(meter, contractId, eventId) is { } stored)
                    {
                        return (await ReplayAsync(stored, query, contractId, access, eventId, relay, cancellationToken), grant.DatasetClass);
                    }
                    throw;
                }
                (page, recordsJson) = await ReadPageAsync(revisionId, query.AfterSequence, readLimit, query.Filters, cacheable: access is null, cancellationToken);
            }
            if (access is not null)
            {
                // Consent at this moment decides what leaves; the provision record is durable before anything does,
                // and only what is served is metered.
                var personalPage = await personal.FilterAsync(access, page, eventId, cancellationToken);
                await provisions.AppendAsync(personalPage.Provisions, cancellationToken);
                page = personalPage.Page;
            }
            var units = UnitsOf(grant.Unit, page);
            var served = new ServedPage(query, revisionId, readLimit);
            var source = key is null ? UsageSources.BrokerAssigned : UsageSources.BrokerIdempotent;
            var usage = new UsageEvent(eventId, units, calendar.Now, source, key is null ? null : served.Encode(), holdId);
            var receipt = grant.Uncapped && (key is null || ledger.UniqueAcrossPeriods) && units <= UsageWindow.MaxUnitsPerEvent
                ? await AppendAsync(contractId, usage)
                : await meter.Record(usage);
            held = false;
            if (receipt.Duplicate)
            {
                // A concurrent request with the same key won the race: answer exactly as it did.
                return (await ReplayAsync(receipt, query, contractId, access, eventId, relay, cancellationToken), grant.DatasetClass);
            }
            return (new RecordAnswer(contractId, revisionId, page, NextCursor(revisionId, page), units, Replayed: false) { RecordsJson = recordsJson }, grant.DatasetClass);
        }
        catch
        {
            Observe(reading);
            throw;
        }
        finally
        {
            if (held)
            {
                // Not metered (a replay, or a failure before metering): the units it held go back to the quota now.
                await meter.Release(holdId);
            }
        }
    }

    /// <summary>
    /// Records a fetch's usage in the ledger itself, durable before it returns: for a plan without a quota the meter
    /// adds nothing the ledger does not do (it decides duplicates whoever sends them, and keeps the totals).
    /// </summary>
    private async Task<UsageReceipt> AppendAsync(string contractId, UsageEvent usage)
    {
        var record = new UsageRecord(usage.EventId, contractId, calendar.PeriodOf(usage.OccurredAt).Id, usage.Units, usage.OccurredAt, calendar.Now,
            usage.Source, usage.Fingerprint);
        // Not cancelled with the request: once sent, the usage is recorded whether or not the buyer still waits.
        var result = (await ledger.AppendAsync([record], CancellationToken.None)).Results[0];
        return new UsageReceipt(result.Stored.EventId, Duplicate: !result.Inserted, result.Stored.Units, result.Stored.Fingerprint);
    }

    /// <summary>An earlier use of an Idempotency-Key: the ledger holds every key for good where it decides ids across periods, else the meter knows.</summary>
    private async Task<UsageReceipt?> FindAsync(IUsageMeterGrain meter, string contractId, string eventId)
    {
        if (!ledger.UniqueAcrossPeriods)
        {
            return await meter.Find(eventId);
        }
        return await ledger.FindAsync(contractId, eventId) is { } stored
            ? new UsageReceipt(stored.EventId, Duplicate: true, stored.Units, stored.Fingerprint)
            : null;
    }

    /// <summary>
    /// Answers a retry exactly as the first answer: read with the stored query, from the stored revision (even if
    /// a newer one was published since), the stored number of records.
    /// </summary>
    /// <remarks>Personal records are filtered again under the consents in force now: a person who withdrew since the first answer is left out of its replay.</remarks>
    private async Task<RecordAnswer> ReplayAsync(
        UsageReceipt earlier, RecordQuery query, string contractId, PersonalAccess? access, string eventId, IRecordRelay? relay, CancellationToken cancellationToken)
    {
        var first = ServedPage.TryDecode(earlier.Fingerprint);
        if (first is null || !first.Query.Equals(query))
        {
            throw new DomainException(ErrorCodes.IdempotencyKeyConflict,
                "This Idempotency-Key was already used for a different request (other cursor, limit or filters); use a new key for a new request.");
        }
        var page = relay is null
            ? (await ReadPageAsync(first.RevisionId, first.Query.AfterSequence, first.ReadLimit, first.Query.Filters, cacheable: access is null, cancellationToken)).Page
            : (await relay.ReadAsync(contractId, eventId, first.Query, first.ReadLimit, cancellationToken)).Page;
        if (access is not null)
        {
            page = (await personal.FilterAsync(access, page, eventId, cancellationToken)).Page;
        }
        return new RecordAnswer(contractId, first.RevisionId, page, NextCursor(first.RevisionId, page), earlier.Units, Replayed: true);
    }

    /// <summary>
    /// A page of a committed revision: from <see cref="RevisionPageCache"/> when it may be kept (no personal data, no
    /// filter), else from the store.
    /// </summary>
    private async Task<(RecordPage Page, byte[]? RecordsJson)> ReadPageAsync(string revisionId, long afterSequence, int limit, IReadOnlyList<FieldFilter> filters,
        bool cacheable, CancellationToken cancellationToken)
    {
        if (!cacheable || filters.Count > 0)
        {
            return (await store.ReadPageAsync(revisionId, afterSequence, limit, filters, cancellationToken), null);
        }
        if (!pages.TryGet(revisionId, afterSequence, limit, out var kept))
        {
            kept = pages.Add(revisionId, afterSequence, limit, await store.ReadPageAsync(revisionId, afterSequence, limit, filters, cancellationToken));
        }
        return (kept.Page, kept.RecordsJson);
    }

    private void RememberDataset(string contractId, string datasetId)
    {
        if (_datasetOfContract.Count >= MaxRememberedContracts)
        {
            _datasetOfContract.Clear();
        }
        _datasetOfContract.TryAdd(contractId, datasetId);
    }

    /// <summary>A read whose answer is no longer wanted: its failure, if any, is observed here rather than lost.</summary>
    private static void Observe(Task? task) =>
        task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private async Task<DatasetView> DatasetOf(string datasetId, string contractId) =>
        await grains.Get<IDatasetGrain>(datasetId).Get()
            ?? throw new DomainException(ErrorCodes.DatasetNotFound, $"The dataset of contract '{contractId}' no longer exists.");

    private static string RevisionToRead(DatasetView dataset, RecordCursor? cursor)
    {
        if (cursor is null)
        {
            return dataset.CurrentRevision?.RevisionId
                ?? throw new DomainException(ErrorCodes.DatasetNoData, $"Dataset '{dataset.Id}' has no published revision yet.");
        }
        var revision = dataset.Revisions.FirstOrDefault(r => r.RevisionId == cursor.RevisionId)
            ?? throw new DomainException(ErrorCodes.CursorInvalid, "The cursor belongs to another dataset; start again without a cursor.");
        if (revision.Status == RevisionStatus.Retired)
        {
            throw new DomainException(ErrorCodes.RevisionConflict,
                $"The revision this cursor pages through ({revision.RevisionId}) was retired by the provider; start again without a cursor to read the current one.");
        }
        return revision.RevisionId;
    }

    /// <summary>An Idempotency-Key is 1 to 200 printable ASCII characters (a UUID is ideal); null when none was sent.</summary>
    public static string? CheckIdempotencyKey(string? key)
    {
        if (key is null)
        {
            return null;
        }
        if (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(ch => ch is < '!' or > '~'))
        {
            throw new DomainException(ErrorCodes.IdempotencyKeyInvalid,
                $"An Idempotency-Key is 1 to {MaxIdempotencyKeyLength} printable ASCII characters without spaces; a UUID is ideal.");
        }
        return key;
    }

    private static int ParseLimit(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return DefaultLimit;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }
        throw new DomainException(ErrorCodes.LimitInvalid, $"'limit' must be a whole number from 1 to {MaxLimit}, not '{TextBounds.Shorten(value)}'.");
    }

    private static List<FieldFilter> ParseFilters(IReadOnlyList<KeyValuePair<string, string?>> raw, DatasetSchema schema)
    {
        var filters = new List<FieldFilter>(raw.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (field, value) in raw)
        {
            if (!schema.HasField(field))
            {
                throw new DomainException(ErrorCodes.FilterInvalid,
                    $"'{TextBounds.Shorten(field)}' is not a field of this dataset; filter on one of: {string.Join(", ", schema.Fields.Select(f => f.Name))}.");
            }
            if (!seen.Add(field))
            {
                throw new DomainException(ErrorCodes.FilterRepeated,
                    $"'{field}' is given more than once; filter on a field with one value (a record has one value per field).");
            }
            filters.Add(new FieldFilter(field, value ?? ""));
        }
        return filters;
    }

    private static long UnitsOf(UsageUnit unit, RecordPage page) => unit switch
    {
        UsageUnit.Record => page.Records.Count,
        UsageUnit.Request => 1,
        _ => page.Records.Sum(r => (long)Encoding.UTF8.GetByteCount(r.Json)),
    };

    private static string? NextCursor(string revisionId, RecordPage page) =>
        page.NextAfterSequence is { } next ? new RecordCursor(revisionId, next).Encode() : null;


}
