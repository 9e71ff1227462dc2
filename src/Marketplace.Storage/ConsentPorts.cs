using Marketplace.Domain;

namespace Marketplace.Storage;

// What personal-data access reads on every request: the consents of the people on a page, their standing (opted out
// of statistics, deleted), and the record of every provision (APPI Art. 30: who received whose data, which items,
// when, under which consent). The subject grain owns each person's consents and writes them here; access reads here,
// so a withdrawal is in force on the very next access on every host.

/// <summary>A data subject as access sees them: at which bank, whether they opted out of statistics, whether they asked to be deleted.</summary>
public sealed record SubjectEntry(string BankId, string SubjectId, bool AggregateOptOut, DateTimeOffset? DeletionRequestedAt, int Version);

/// <summary>Every person's consents (in force or not), by person and by scope.</summary>
public interface IConsentIndex
{
    /// <summary>
    /// Stores the grant unless the index holds the same record at the same or a newer version (an older write arriving
    /// late cannot undo a withdrawal). True when this call stored it.
    /// </summary>
    Task<bool> PutAsync(ConsentGrant grant, CancellationToken cancellationToken = default);

    /// <summary>Every grant of these people at this bank, in force or not; at most <see cref="ConsentIndexLimits.MaxSubjectsPerLookup"/> people per call.</summary>
    Task<IReadOnlyList<ConsentGrant>> FindBySubjectsAsync(string bankId, IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default);

    /// <summary>A page of one scope's grants at a bank (in force or not), in record id order after <paramref name="afterRecordId"/>.</summary>
    Task<IReadOnlyList<ConsentGrant>> ListByScopeAsync(string bankId, ConsentScope scope, string? afterRecordId, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Stores the person's standing unless the index holds the same or a newer version.</summary>
    Task<bool> PutSubjectAsync(SubjectEntry subject, CancellationToken cancellationToken = default);

    /// <summary>The standing of these people at this bank (people never registered are left out).</summary>
    Task<IReadOnlyList<SubjectEntry>> FindSubjectsAsync(string bankId, IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default);
}

public static class ConsentIndexLimits
{
    /// <summary>One page of records names at most this many people (the broker's largest page).</summary>
    public const int MaxSubjectsPerLookup = 1_000;

    public const int MaxPageSize = 1_000;
}

/// <summary>
/// One provision of one person's records under one usage event: which contract (so which buyer, purpose and dataset),
/// which consent, which items, how many records, when. <see cref="Day"/> is the billing calendar's date;
/// <see cref="Period"/> its billing period. Aggregates count the person once per query with <see cref="Records"/> 0.
/// </summary>
public sealed record Provision(
    string EventId,
    string BankId,
    string SubjectId,
    string ContractId,
    string BuyerId,
    string DatasetId,
    string Purpose,
    string ConsentRecordId,
    IReadOnlyList<string> Items,
    long Records,
    bool Aggregate,
    DateTimeOffset At,
    string Period);

/// <summary>How many records of each person one contract was served in a period (the data subjects' share is split by it).</summary>
public sealed record ProvisionCount(string SubjectId, long Records, long Counted);

/// <summary>The record of provision the APPI requires, kept at least three years after the last provision.</summary>
public interface IProvisionLog
{
    /// <summary>Appends provisions; a provision whose (event id, subject) is already recorded is left as it is (a retry records nothing twice).</summary>
    Task AppendAsync(IReadOnlyList<Provision> provisions, CancellationToken cancellationToken = default);

    /// <summary>One person's provisions at a bank, newest first, a page at a time (<paramref name="before"/>: the At and EventId of the last one seen).</summary>
    Task<IReadOnlyList<Provision>> ListBySubjectAsync(string bankId, string subjectId, (DateTimeOffset At, string EventId)? before, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Per person, the records one contract was served in one period and the times they were counted in an aggregate.</summary>
    Task<IReadOnlyList<ProvisionCount>> CountByContractAsync(string contractId, string period, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the whole record of provision of usage events that happened before <paramref name="before"/>, at most
    /// <paramref name="maxEvents"/> events a call; answers how many events it removed (fewer than the maximum: none
    /// older is left). Repeating it removes nothing twice.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset before, int maxEvents, CancellationToken cancellationToken = default);
}

/// <summary>How long the record of provision is kept: the APPI's three years from the provision (Art. 30, rules Art. 21), and a day.</summary>
public static class ProvisionRetention
{
    public static readonly TimeSpan Period = TimeSpan.FromDays((3 * 365) + 1 + 1);

    /// <summary>Events one prune call removes at most (a call stays short; the job calls again until none is left).</summary>
    public const int EventsPerCall = 1_000;
}
