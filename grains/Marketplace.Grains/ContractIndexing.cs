using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Grains;

/// <summary>How a contract appears in the holdings index: one home for its entry, its status text and its purpose's form.</summary>
public static class ContractIndexing
{
    /// <summary>The stored statuses of a contract that still counts as open (a stored "active" may have expired since).</summary>
    public static readonly IReadOnlyList<string> OpenStatuses =
        [StatusText(ContractStatus.Requested), StatusText(ContractStatus.Active), StatusText(ContractStatus.Suspended)];

    public static string StatusText(ContractStatus status) => status.ToString();

    /// <summary>
    /// The stored statuses a contract whose status is now <paramref name="status"/> may still carry in the
    /// index: an active or suspended contract past its end date is expired before it next writes its entry.
    /// </summary>
    public static IReadOnlyList<string> StoredStatusesFor(ContractStatus status) => status == ContractStatus.Expired
        ? [StatusText(ContractStatus.Expired), StatusText(ContractStatus.Active), StatusText(ContractStatus.Suspended)]
        : [StatusText(status)];

    /// <summary>
    /// The id of a buyer's contract on an offering for a purpose, numbered by how many such contracts the index
    /// already holds (at most one is open at a time, so the number only moves on once the last one is indexed).
    /// Derived, not random: a subscription repeated after an interruption arrives at the contract its first
    /// attempt stored, instead of making a second one.
    /// </summary>
    public static string ContractIdFor(string offeringId, string buyerId, string purpose, int earlierContracts) =>
        Identifiers.DerivedId("ctr", string.Join('\n', offeringId, buyerId, purpose, earlierContracts.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A declared purpose as contracts store it.</summary>
    public static string PurposeOf(string purpose) => UsagePolicy.NormalizePurpose(purpose);

    /// <summary>The entry, derived from the contract's stored state only, so writing it again is harmless.</summary>
    public static ContractEntry EntryOf(string contractId, string buyerId, string purpose, ContractTerms terms, ContractStatus status, DateTimeOffset requestedAt)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return new ContractEntry(contractId, terms.OfferingId, buyerId, terms.ProviderId, purpose, StatusText(status), requestedAt);
    }
}
