namespace Marketplace.Storage;

// The storage ports of ARCHITECTURE.md. Adapters: SQLite (embedded default) and, later, Cosmos.
// Every adapter passes the same conformance suite.

/// <summary>A record of a dataset revision. <see cref="Json"/> is one canonical JSON object.</summary>
public sealed record StoredRecord(long Sequence, string? SubjectId, string Json);

/// <summary>Equality filter on a top-level field of the record's JSON (compared as text).</summary>
public sealed record FieldFilter(string Field, string Value);

/// <summary>A page of records; <see cref="NextAfterSequence"/> is null on the last page.</summary>
public sealed record RecordPage(IReadOnlyList<StoredRecord> Records, long? NextAfterSequence);

/// <summary>Records of dataset revisions. Records never live in grain state.</summary>
public interface IRecordStore
{
    /// <summary>
    /// Starts writing a revision. Appended records stay invisible to readers until
    /// <see cref="IRevisionWriter.CommitAsync"/>; an aborted or abandoned revision leaves nothing behind.
    /// </summary>
    Task<IRevisionWriter> BeginRevisionAsync(string datasetId, string revisionId, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="limit"/> committed records with Sequence &gt; <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<RecordPage> ReadPageAsync(string revisionId, long afterSequence, int limit, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every record of one data subject from a committed revision (a person's deletion request): pages read
    /// after it returns never include them, and cursors walk past where they were. Returns how many were removed;
    /// removing again removes nothing.
    /// </summary>
    Task<long> RedactSubjectAsync(string revisionId, string subjectId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows of revisions that were begun but never committed (a crash mid-upload). Called at start-up.</summary>
    Task<int> DiscardAbandonedRevisionsAsync(CancellationToken cancellationToken = default);
}

public interface IRevisionWriter : IAsyncDisposable
{
    /// <summary>
    /// Appends a batch in one transaction. Sequences must increase. An adapter may still be writing the batch when
    /// this returns (Cosmos keeps a few in flight): a failure then fails the next append or the commit.
    /// </summary>
    Task AppendAsync(IReadOnlyList<StoredRecord> batch, CancellationToken cancellationToken = default);

    /// <summary>Makes the revision visible. Returns the number of records.</summary>
    Task<long> CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes everything appended. Disposing an uncommitted writer aborts it.</summary>
    Task AbortAsync(CancellationToken cancellationToken = default);
}

/// <summary>One metered use of a contract. Units are in the plan's base quantity (records, requests or bytes).</summary>
public sealed record UsageRecord(
    string EventId,
    string ContractId,
    string Period,
    long Units,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string Source,
    string? Fingerprint)
{
    /// <summary>
    /// The <see cref="Source"/> of an event whose id the marketplace generated itself for one request (a fresh
    /// UUIDv7). Such an id is never sent twice, so an adapter need not pay a duplicate check for it.
    /// </summary>
    public const string GeneratedSource = "broker";
}

public sealed record UsageTotals(string ContractId, string Period, long Units, long Events);

/// <summary>A contract's usage that occurred in one UTC hour (<see cref="Hour"/>: its start, offset zero).</summary>
public sealed record UsageHour(string ContractId, DateTimeOffset Hour, long Units, long Events);

/// <summary>
/// What the ledger holds for one appended record. <see cref="Inserted"/> when this append stored it; otherwise the
/// ledger already held an event with the same id and <see cref="Stored"/> is that earlier record (its units and
/// fingerprint, which may differ from what was sent).
/// </summary>
public sealed record UsageAppendResult(UsageRecord Stored, bool Inserted);

/// <summary>
/// The answer to one append: a result per record sent, in the order sent, and the totals of every (contract,
/// period) the append touched, as stored once it committed (including what other writers added).
/// </summary>
public sealed record UsageAppend(IReadOnlyList<UsageAppendResult> Results, IReadOnlyList<UsageTotals> Totals);

/// <summary>The append-only usage ledger. Money and usage are never lost or counted twice.</summary>
public interface IUsageLedger
{
    /// <summary>
    /// Appends records and returns only once they are durable. Concurrent callers are group-committed into one
    /// transaction. The store decides duplicates, whoever sends them (a retry, a second activation of a meter,
    /// another process): an event whose id the ledger already holds for its contract is not stored or counted
    /// again, and its result says so and carries the stored record. Within one append the first of several
    /// records with one id wins. Ids are unique per (contract, period) in every adapter, and per contract
    /// whatever the period where <see cref="UniqueAcrossPeriods"/> says so. Ids of
    /// <see cref="UsageRecord.GeneratedSource"/> may skip the check: nothing sends them twice.
    /// </summary>
    Task<UsageAppend> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when an event id is unique per contract whatever period its record names (the embedded store; on
    /// Cosmos, the record's period and the one either side: its DESIGN.md states the window);
    /// false when only per (contract, period), and the usage meter's memory of recent ids is what stops a
    /// retry that names another month.
    /// </summary>
    bool UniqueAcrossPeriods { get; }

    /// <summary>
    /// The records of one contract in one period, in arrival order, leaving out those whose Source is
    /// <paramref name="exceptSource"/>. A meter rebuilding itself reads only the events a retry could repeat
    /// (its totals come from <see cref="GetTotalsAsync"/>), not every event of a busy month.
    /// </summary>
    Task<IReadOnlyList<UsageRecord>> ReadAsync(string contractId, string period, string? exceptSource = null, CancellationToken cancellationToken = default);

    Task<UsageTotals> GetTotalsAsync(string contractId, string period, CancellationToken cancellationToken = default);

    /// <summary>
    /// The record the ledger holds for an event id of a contract, whatever its period, or null when it holds none;
    /// ids of <see cref="UsageRecord.GeneratedSource"/> are not looked up. What a meter that no longer keeps an id
    /// in memory answers a retry with (an Idempotency-Key replayed long after).
    /// </summary>
    Task<UsageRecord?> FindAsync(string contractId, string eventId, CancellationToken cancellationToken = default);

    /// <summary>Every record of a period in arrival order, for billing and reconciliation.</summary>
    IAsyncEnumerable<UsageRecord> StreamPeriodAsync(string period, CancellationToken cancellationToken = default);

    /// <summary>
    /// A period's usage summed per contract and UTC hour of occurrence, for daily views (a billing day in a zone
    /// with a whole-hour offset is 24 of these hours). Kept up to date as events are counted, so a read costs the
    /// (contract, hour) pairs with usage, at most 744 per contract and month, never the events themselves. An event
    /// is in it once counted, exactly as in <see cref="GetTotalsAsync"/>; in no particular order.
    /// </summary>
    Task<IReadOnlyList<UsageHour>> ReadHoursAsync(string period, CancellationToken cancellationToken = default);
}

/// <summary>A listed offering as the catalog shows it.</summary>
/// <param name="PriceMinor">
/// What the offering's first billable thing costs, in minor units (the plan's <c>CatalogPriceMinor</c>: 0 free,
/// the flat fee, the price of one block, or the first priced tier's unit price), for sorting by price. Null is
/// unknown: a listing stored before this field existed, which sorts after every priced one until it is next
/// updated (any change to the offering re-lists it).
/// </param>
/// <param name="Origin">Where a harvested listing comes from (null for the marketplace's own offerings).</param>
public sealed record CatalogListing(
    string OfferingId,
    string DatasetId,
    string ProviderId,
    string ProviderName,
    string Title,
    string Description,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Themes,
    string DatasetClass,
    string PriceModel,
    bool IsFree,
    string PriceSummary,
    bool IsPublic,
    IReadOnlyList<string> VisibleToBuyers,
    string Licence,
    DateTimeOffset UpdatedAt,
    long? PriceMinor = null,
    Marketplace.Domain.Harvest.ListingOrigin? Origin = null);

/// <summary>
/// A catalog search. <see cref="ViewerBuyerId"/> limits private listings to those offered to that buyer;
/// <see cref="ViewerSeesAll"/> (operators) shows everything.
/// </summary>
public sealed record CatalogQuery(
    string? Text = null,
    string? DatasetClass = null,
    string? Theme = null,
    string? ProviderId = null,
    string? PriceModel = null,
    bool FreeOnly = false,
    string? ViewerBuyerId = null,
    bool ViewerSeesAll = false,
    int Page = 1,
    int PageSize = 20,
    string? Licence = null,
    CatalogSort? Sort = null);

/// <summary>
/// The order of catalog results; every order ends with the title (ASCII case-insensitive) and the offering id.
/// </summary>
public enum CatalogSort
{
    /// <summary>Best text match first; without search text, by title. The default (null) is this.</summary>
    Relevance,

    /// <summary>Most recently updated first.</summary>
    Newest,

    /// <summary>Lowest <see cref="CatalogListing.PriceMinor"/> first; listings without one (stored before it existed) last.</summary>
    Price,
}

public sealed record FacetCount(string Value, long Count);

public sealed record CatalogFacets(
    IReadOnlyList<FacetCount> Classes,
    IReadOnlyList<FacetCount> Themes,
    IReadOnlyList<FacetCount> Providers,
    IReadOnlyList<FacetCount> PriceModels,
    IReadOnlyList<FacetCount> Licences);

public sealed record CatalogSearchResult(IReadOnlyList<CatalogListing> Items, long Total, int Page, int PageSize, CatalogFacets Facets);

/// <summary>Listings with full-text and facet search.</summary>
public interface ICatalogIndex
{
    Task UpsertAsync(CatalogListing listing, CancellationToken cancellationToken = default);

    Task RemoveAsync(string offeringId, CancellationToken cancellationToken = default);

    Task<CatalogSearchResult> SearchAsync(CatalogQuery query, CancellationToken cancellationToken = default);
}

/// <summary>
/// An external effect (e.g. a Stripe call) waiting to be carried out. Stored with our own data so that the
/// decision to make the call and the call itself cannot drift apart; <see cref="IdempotencyKey"/> goes with
/// the call so that a repeat after a crash is harmless.
/// </summary>
public sealed record OutboxMessage(
    string Id,
    string Kind,
    string Payload,
    string IdempotencyKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt,
    int Attempts = 0,
    string? LastError = null,
    OutboxStatus Status = OutboxStatus.Pending,
    DateTimeOffset? CompletedAt = null);

public enum OutboxStatus
{
    Pending,
    Done,
    /// <summary>Gave up after too many attempts; an operator must look at it.</summary>
    Failed,
}

/// <summary>A message taken by one sweeper until <see cref="LeaseUntil"/>; only the holder of the token may settle it.</summary>
public sealed record OutboxClaim(OutboxMessage Message, string LeaseToken, DateTimeOffset LeaseUntil);

/// <summary>Pending external effects, swept by a background job.</summary>
public interface IOutbox
{
    /// <summary>Adds a message; idempotent by <see cref="OutboxMessage.Id"/> (false when it was already there).</summary>
    Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="max"/> pending messages due at <paramref name="now"/>, oldest due first, for
    /// <paramref name="leaseFor"/>. A claimed message is not handed to another claimer until its lease ends, so
    /// concurrent sweepers (several silos) never both send it; a sweeper that dies loses its lease. With
    /// <paramref name="kind"/>, only messages of that kind: each sweeper takes its own kind and no other's.
    /// </summary>
    Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan leaseFor, string? kind = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the message whatever its status or lease (false when there was none): the work it stood for was
    /// done in line, so no sweeper should take it. A claim of it can no longer be settled.
    /// </summary>
    Task<bool> DiscardAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Marks the message done. False if the lease was lost (another sweeper owns it now).</summary>
    Task<bool> CompleteAsync(OutboxClaim claim, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a failed attempt and makes the message due again at <paramref name="dueAt"/>, or marks it
    /// <see cref="OutboxStatus.Failed"/> when <paramref name="giveUp"/>. False if the lease was lost.
    /// </summary>
    Task<bool> RetryLaterAsync(OutboxClaim claim, DateTimeOffset dueAt, string error, bool giveUp = false, CancellationToken cancellationToken = default);

    Task<OutboxMessage?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Messages in a status, oldest first (operators' view of what is stuck).</summary>
    Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxStatus status, int max, CancellationToken cancellationToken = default);
}
