using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Application.Federation;

/// <summary>Where a partner marketplace answers and our buyer key there (in memory only, never stored in the clear).</summary>
public sealed record PartnerAddress(string PartnerId, string Name, Uri BaseUrl, string BuyerKey)
{
    public override string ToString() => $"{Name} ({BaseUrl})";
}

/// <summary>A partner's offering as it describes itself to us, a buyer there, in this marketplace's terms.</summary>
public sealed record PartnerOffering(
    string Id, DatasetClass DatasetClass, string Title, string Description, PricingPlan Pricing, IReadOnlyList<PurposePrice> PurposePrices, UsagePolicy Policy)
{
    public PricingPlan PricingFor(string purpose) => PurposePrice.PlanFor(PurposePrices, purpose, Pricing);
}

/// <summary>Our contract at the partner: <paramref name="Pricing"/> is what the partner charges us under it.</summary>
public sealed record PartnerContract(string Id, string OfferingId, string Purpose, string Status, PricingPlan Pricing)
{
    public const string Active = "active";
    public const string Requested = "requested";

    public bool IsActive => Status == Active;
}

/// <summary>A page read at the partner: each record one JSON object as the partner sent it.</summary>
public sealed record PartnerPage(string RevisionId, IReadOnlyList<string> Records, string? NextCursor, long UnitsMetered, bool Replayed);

/// <summary>What the partner metered and charges for one contract in one period.</summary>
public sealed record PartnerUsage(long Units, Money Charge);

/// <summary>
/// The partner marketplace's public API, as a buyer there (another instance of this marketplace). Failures come back
/// typed: <see cref="DomainException"/> with a <c>partner.*</c> code when the partner refuses (naming it and its
/// reason), <see cref="PartnerUnavailableException"/> when it cannot be reached or answers what cannot be read.
/// </summary>
public interface IPartnerMarketplace
{
    Task<PartnerOffering> GetOfferingAsync(PartnerAddress partner, string offeringId, CancellationToken cancellationToken = default);

    /// <summary>The offering's fields from its preview; null when the partner shows none.</summary>
    Task<IReadOnlyList<SchemaField>?> FieldsAsync(PartnerAddress partner, string offeringId, CancellationToken cancellationToken = default);

    /// <summary>Our requested or active contract on the offering for the purpose; null when there is none.</summary>
    Task<PartnerContract?> FindContractAsync(PartnerAddress partner, string offeringId, string purpose, CancellationToken cancellationToken = default);

    Task<PartnerContract> SubscribeAsync(PartnerAddress partner, string offeringId, string purpose, string idempotencyKey, CancellationToken cancellationToken = default);

    Task<PartnerContract> GetContractAsync(PartnerAddress partner, string contractId, CancellationToken cancellationToken = default);

    /// <summary>One page under our contract; the partner meters it once per <paramref name="idempotencyKey"/>.</summary>
    Task<PartnerPage> ReadPageAsync(
        PartnerAddress partner, string contractId, string? cursor, int limit, IReadOnlyList<FieldFilter> filters, string idempotencyKey,
        CancellationToken cancellationToken = default);

    Task<PartnerUsage> GetUsageAsync(PartnerAddress partner, string contractId, BillingPeriod period, CancellationToken cancellationToken = default);
}

/// <summary>The partner could not be reached, or answered something that cannot be read: nothing was served or metered here.</summary>
/// <param name="BadGateway">True when the partner answered but its answer is unusable (502); false when it could not be reached or is busy (503).</param>
public sealed class PartnerUnavailableException(string partnerId, string message, TimeSpan retryAfter, bool badGateway, Exception? inner = null)
    : Exception(message, inner)
{
    public string PartnerId { get; } = partnerId;

    public TimeSpan RetryAfter { get; } = retryAfter;

    public bool BadGateway { get; } = badGateway;
}

/// <summary>Protects our buyer keys at partners at rest (the host's data protection).</summary>
public interface IPartnerKeyProtection
{
    string Protect(string buyerKey);

    string Unprotect(string protectedBuyerKey);
}
