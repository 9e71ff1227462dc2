using System.Globalization;

namespace Marketplace.Storage;

// Indexes of what grows with the marketplace: who holds which datasets, offerings and contracts, and the
// directory of parties. Grain state holds none of it (ARCHITECTURE.md: "nothing that grows with the
// marketplace lives in one grain's state"). Every write is idempotent: the grain that owns an item writes its
// entry with content derived from its own stored state, so repeating the write converges.

/// <summary>
/// A place in an index's stable order: creation time, then id. Pages continue strictly after it, so an item
/// added later (a later creation time) never shifts the pages a reader is walking.
/// </summary>
public sealed record IndexPosition(DateTimeOffset CreatedAt, string Id)
{
    /// <summary>
    /// The text both adapters order by: the UTC instant in fixed-width round-trip form, a separator, the id.
    /// Fixed width makes text order time order; ids are ordinal-compared after equal instants.
    /// </summary>
    public string SortKey => string.Concat(CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), "|", Id);
}

/// <summary>One page of an index; <see cref="Next"/> is where the next page starts, null on the last page.</summary>
public sealed record IndexPage<T>(IReadOnlyList<T> Items, IndexPosition? Next);

/// <summary>A dataset or offering as held by its provider.</summary>
public sealed record HoldingEntry(string ItemId, string ProviderId, DateTimeOffset CreatedAt)
{
    public IndexPosition Position => new(CreatedAt, ItemId);
}

/// <summary>
/// A contract as its buyer, its provider and its offering see it in a list. <see cref="Status"/> is the status
/// the contract last stored; <see cref="CreatedAt"/> is when it was requested (never changes).
/// </summary>
public sealed record ContractEntry(
    string ContractId,
    string OfferingId,
    string BuyerId,
    string ProviderId,
    string Purpose,
    string Status,
    DateTimeOffset CreatedAt)
{
    public IndexPosition Position => new(CreatedAt, ContractId);
}

/// <summary>
/// Which contracts to list. At least one of <see cref="BuyerId"/>, <see cref="ProviderId"/> and
/// <see cref="OfferingId"/> narrows the list to one party's or one offering's contracts; with none set, every
/// contract is listed (the operator). <see cref="Statuses"/> and <see cref="Purpose"/> filter further.
/// </summary>
public sealed record ContractQuery(
    string? BuyerId = null,
    string? ProviderId = null,
    string? OfferingId = null,
    IReadOnlyList<string>? Statuses = null,
    string? Purpose = null);

/// <summary>A registered party as the directory lists it.</summary>
public sealed record PartyEntry(string PartyId, string Role, string Name, DateTimeOffset CreatedAt)
{
    public IndexPosition Position => new(CreatedAt, PartyId);
}

/// <summary>What each party holds: a provider's datasets and offerings, and contracts by buyer, provider and offering.</summary>
public interface IHoldingsIndex
{
    /// <summary>Adds the dataset to its provider's holdings; adding it again is harmless.</summary>
    Task AddDatasetAsync(HoldingEntry dataset, CancellationToken cancellationToken = default);

    /// <summary>Adds the offering to its provider's holdings; adding it again is harmless.</summary>
    Task AddOfferingAsync(HoldingEntry offering, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of datasets in (creation time, id) order after <paramref name="after"/>: one provider's, or every
    /// provider's when <paramref name="providerId"/> is null. At most <paramref name="pageSize"/> items
    /// (bounded by <see cref="IndexLimits.MaxPageSize"/>).
    /// </summary>
    Task<IndexPage<HoldingEntry>> ListDatasetsAsync(string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="ListDatasetsAsync"/>, for offerings.</summary>
    Task<IndexPage<HoldingEntry>> ListOfferingsAsync(string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the contract's entry or brings it up to date (its status). Only the contract itself writes its
    /// entry, each time after storing its state, so the last write is its current status.
    /// </summary>
    Task PutContractAsync(ContractEntry contract, CancellationToken cancellationToken = default);

    /// <summary>A page of contracts matching <paramref name="query"/> in (creation time, id) order after <paramref name="after"/>.</summary>
    Task<IndexPage<ContractEntry>> ListContractsAsync(ContractQuery query, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default);
}

/// <summary>Every registered party.</summary>
public interface IPartyDirectory
{
    /// <summary>Creates the party's entry or brings it up to date; repeating it is harmless.</summary>
    Task PutAsync(PartyEntry party, CancellationToken cancellationToken = default);

    /// <summary>A page of parties in (creation time, id) order after <paramref name="after"/>.</summary>
    Task<IndexPage<PartyEntry>> ListAsync(IndexPosition? after, int pageSize, CancellationToken cancellationToken = default);
}

/// <summary>Bounds and argument checks shared by every adapter of the index ports.</summary>
public static class IndexLimits
{
    /// <summary>The largest page any index answers; a larger request is refused, never silently honoured.</summary>
    public const int MaxPageSize = 200;

    public static void CheckPage(IndexPosition? after, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        if (after is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(after.Id, nameof(after));
        }
    }

    public static void CheckHolding(HoldingEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.ItemId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.ProviderId, nameof(entry));
    }

    public static void CheckContract(ContractEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.ContractId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.OfferingId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.BuyerId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.ProviderId, nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.Purpose, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Status, nameof(entry));
    }

    public static void CheckParty(PartyEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.PartyId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Role, nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.Name, nameof(entry));
    }

    /// <summary>
    /// How many entries a filtered page read examines at most. A filter that matches little still answers
    /// promptly: with a continuation after the last entry examined, even when nothing matched yet.
    /// </summary>
    public const int ScanWindow = 500;

    /// <summary>
    /// Makes a page from up to <paramref name="window"/> entries read in order after the cursor: the first
    /// <paramref name="pageSize"/> that <paramref name="keep"/> accepts. Next is the last item returned when
    /// another match follows, the last entry examined when the window was full, and null when the index ended.
    /// </summary>
    public static IndexPage<T> PageOf<T>(IReadOnlyList<T> scanned, int window, int pageSize, Func<T, bool> keep, Func<T, IndexPosition> position)
    {
        ArgumentNullException.ThrowIfNull(scanned);
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentNullException.ThrowIfNull(position);
        var items = new List<T>(Math.Min(pageSize, scanned.Count));
        foreach (var entry in scanned)
        {
            if (!keep(entry))
            {
                continue;
            }

            if (items.Count == pageSize)
            {
                return new IndexPage<T>(items, position(items[^1]));
            }

            items.Add(entry);
        }

        return new IndexPage<T>(items, scanned.Count < window ? null : position(scanned[^1]));
    }
}

public static class ContractQueries
{
    /// <summary>Whether the entry passes every filter of the query (the adapters' ranges narrow first).</summary>
    public static bool Matches(this ContractQuery query, ContractEntry entry)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(entry);
        return (query.BuyerId is null || entry.BuyerId == query.BuyerId)
            && (query.ProviderId is null || entry.ProviderId == query.ProviderId)
            && (query.OfferingId is null || entry.OfferingId == query.OfferingId)
            && (query.Statuses is null || query.Statuses.Contains(entry.Status, StringComparer.Ordinal))
            && (query.Purpose is null || entry.Purpose == query.Purpose);
    }

    /// <summary>Whether the query filters beyond the one range an adapter reads (then it reads a scan window).</summary>
    public static bool Filters(this ContractQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var ranges = (query.BuyerId is null ? 0 : 1) + (query.ProviderId is null ? 0 : 1) + (query.OfferingId is null ? 0 : 1);
        return query.Statuses is not null || query.Purpose is not null
            || ranges > 2 || (ranges == 2 && !(query.OfferingId is not null && query.BuyerId is not null));
    }

    /// <summary>How many entries to read for a page: one more than the page, or a scan window when filtering.</summary>
    public static int WindowFor(this ContractQuery query, int pageSize) =>
        query.Filters() ? Math.Max(IndexLimits.ScanWindow, pageSize + 1) : pageSize + 1;
}
