using System.Globalization;
using System.Text;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Access;

/// <summary>
/// Brokered access: every page is checked against the contract and its policy, read from the record store
/// and metered before it is answered. With an Idempotency-Key a replay returns the same page and meters nothing.
/// </summary>
public static class RecordEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1_000;
    private static readonly HashSet<string> ReservedParameters = new(StringComparer.OrdinalIgnoreCase) { "cursor", "limit" };

    public static IEndpointRouteBuilder MapRecordEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/contracts/{id}/records", GetRecords).WithTags("Access").WithName("GetRecords")
            .WithSummary("Fetch a page of records under a contract (buyer). Query: cursor, limit (1-1000), and <field>=<value> filters. "
                + "Send an Idempotency-Key header to make retries safe: a replay returns the same page and is metered once.")
            .RequireAuthorization(Policies.Buyer)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429);
        return app;
    }

    private static async Task<IResult> GetRecords(string id, HttpContext http, GrainReferences grains, IRecordStore store, BillingCalendar calendar)
    {
        var buyer = http.User.Caller().PartyId;
        var query = http.Request.Query;
        var limit = ParseLimit(query["limit"]);
        var cursor = query["cursor"] is { Count: > 0 } c && !string.IsNullOrEmpty(c[0]) ? RecordCursor.Decode(c[0]!) : null;
        string? idempotencyKey = http.Request.Headers["Idempotency-Key"];
        if (idempotencyKey is { Length: > 200 })
        {
            throw new DomainException(ErrorCodes.IdempotencyKeyInvalid, "An Idempotency-Key is at most 200 characters; a UUID is ideal.");
        }

        var grant = await grains.Get<IContractGrain>(id).Authorize(buyer, limit);
        if (!grant.Allowed && grant.Denial != AccessDenial.QuotaExceeded)
        {
            throw new DomainException(ErrorCodes.AccessNotPermitted, grant.Reason);
        }
        var dataset = await grains.Get<IDatasetGrain>(grant.DatasetId).Get()
            ?? throw new DomainException(ErrorCodes.DatasetNotFound, $"The dataset of contract '{id}' no longer exists.");
        var filters = ParseFilters(query, dataset.Definition.Schema);
        var revisionId = cursor?.RevisionId ?? dataset.CurrentRevision?.RevisionId
            ?? throw new DomainException(ErrorCodes.DatasetNoData, $"Dataset '{dataset.Id}' has no published revision yet.");
        if (cursor is not null)
        {
            var revision = dataset.Revisions.FirstOrDefault(r => r.RevisionId == cursor.RevisionId)
                ?? throw new DomainException(ErrorCodes.CursorInvalid, "The cursor belongs to another dataset; start again without a cursor.");
            if (revision.Status == RevisionStatus.Retired)
            {
                throw new DomainException(ErrorCodes.RevisionConflict,
                    $"The revision this cursor pages through ({revision.RevisionId}) was retired by the provider; start again without a cursor to read the current one.");
            }
        }

        var meter = grains.Get<IUsageMeterGrain>(UsageMeterKey.For(id, grant.Period));
        var eventId = idempotencyKey is null ? Guid.CreateVersion7().ToString("N") : $"idem:{idempotencyKey}";
        var request = RequestFingerprint(cursor, limit, filters);
        var fingerprint = $"{request}#{revisionId}";

        if (idempotencyKey is not null && await meter.Find(eventId) is { } earlier)
        {
            return await Replay(earlier, request, grant.Unit, id, cursor?.AfterSequence ?? 0, limit, filters, store, http.RequestAborted);
        }
        if (!grant.Allowed)
        {
            throw new DomainException(ErrorCodes.AccessQuotaExceeded, grant.Reason);
        }

        var page = await store.ReadPageAsync(revisionId, cursor?.AfterSequence ?? 0, (int)grant.UnitsGranted, filters, http.RequestAborted);
        var units = UnitsOf(grant.Unit, page);
        var source = idempotencyKey is null ? UsageSources.BrokerAssigned : UsageSources.BrokerIdempotent;
        var receipt = await meter.Record(new UsageEvent(eventId, units, calendar.Now, source, fingerprint));
        if (receipt.Duplicate)
        {
            // A concurrent request with the same key won the race: answer exactly as it did.
            return await Replay(receipt, request, grant.Unit, id, cursor?.AfterSequence ?? 0, limit, filters, store, http.RequestAborted);
        }
        return new RecordPageResult(id, revisionId, page, NextCursor(revisionId, page), units, replayed: false);
    }

    /// <summary>
    /// Answers a retry exactly as the first answer: same request, same revision (even if a newer one was
    /// published since), same length. The earlier fingerprint is "{request}#{revision}".
    /// </summary>
    private static async Task<IResult> Replay(UsageReceipt earlier, string request, UsageUnit unit, string contractId,
        long after, int limit, IReadOnlyList<FieldFilter> filters, IRecordStore store, CancellationToken ct)
    {
        var hash = earlier.Fingerprint?.LastIndexOf('#') ?? -1;
        if (hash < 0 || earlier.Fingerprint![..hash] != request)
        {
            throw new DomainException(ErrorCodes.IdempotencyKeyConflict,
                "This Idempotency-Key was already used for a different request (other cursor, limit, filters or revision); use a new key.");
        }
        var revisionId = earlier.Fingerprint[(hash + 1)..];
        // A record-metered page may have been shortened by the quota; its metered units say how long it was.
        var replayLimit = unit == UsageUnit.Record && earlier.Units is > 0 and var served && served < limit ? (int)served : limit;
        var page = await store.ReadPageAsync(revisionId, after, replayLimit, filters, ct);
        return new RecordPageResult(contractId, revisionId, page, NextCursor(revisionId, page), earlier.Units, replayed: true);
    }

    private static long UnitsOf(UsageUnit unit, RecordPage page) => unit switch
    {
        UsageUnit.Record => page.Records.Count,
        UsageUnit.Request => 1,
        _ => page.Records.Sum(r => (long)Encoding.UTF8.GetByteCount(r.Json)),
    };

    private static string? NextCursor(string revisionId, RecordPage page) =>
        page.NextAfterSequence is { } next ? new RecordCursor(revisionId, next).Encode() : null;

    private static int ParseLimit(Microsoft.Extensions.Primitives.StringValues value)
    {
        if (value.Count == 0 || string.IsNullOrEmpty(value[0]))
        {
            return DefaultLimit;
        }
        if (int.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }
        throw new DomainException(ErrorCodes.LimitInvalid, $"'limit' must be a whole number from 1 to {MaxLimit}, not '{value[0]}'.");
    }

    private static List<FieldFilter> ParseFilters(IQueryCollection query, DatasetSchema schema)
    {
        var filters = new List<FieldFilter>();
        foreach (var (key, values) in query)
        {
            if (ReservedParameters.Contains(key))
            {
                continue;
            }
            if (!schema.HasField(key))
            {
                throw new DomainException(ErrorCodes.FilterInvalid,
                    $"'{key}' is not a field of this dataset; filter on one of: {string.Join(", ", schema.Fields.Select(f => f.Name))}.");
            }
            filters.Add(new FieldFilter(key, values[0] ?? ""));
        }
        return filters;
    }

    private static string RequestFingerprint(RecordCursor? cursor, int limit, IReadOnlyList<FieldFilter> filters) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{cursor?.Encode() ?? "start"}|{limit}|{string.Join("&", filters.OrderBy(f => f.Field, StringComparer.Ordinal).Select(f => $"{f.Field}={f.Value}"))}");
}
