namespace Marketplace.Client;

public sealed record PriceTier(long? UpTo, long UnitPrice);

/// <summary>Prices are integer minor units of <c>Currency</c> (JPY has none: 1 = ¥1).</summary>
/// <param name="Model">free, flat, per-unit or tiered.</param>
/// <param name="Unit">record, request or mib.</param>
/// <param name="Summary">Written by the marketplace ("¥1 per 10 records"); ignored when sent.</param>
public sealed record Pricing(
    string Model,
    string Currency,
    long? Amount = null,
    string? Unit = null,
    long? UnitBlock = null,
    long? IncludedUnits = null,
    IReadOnlyList<PriceTier>? Tiers = null,
    string? Summary = null);

/// <param name="Purposes">The purposes a buyer may name; empty for any.</param>
public sealed record UsagePolicy(
    IReadOnlyList<string> Purposes,
    DateTimeOffset? EndsAt = null,
    int? TermDays = null,
    long? MaxUnitsPerPeriod = null,
    bool RedistributionProhibited = false);

/// <param name="Visibility">public, or private to <paramref name="Buyers"/>.</param>
/// <param name="Approval">automatic, or provider (each contract waits for approval).</param>
public sealed record CreateOfferingRequest(
    string Id,
    string DatasetId,
    string Title,
    string Description,
    Pricing Pricing,
    UsagePolicy Policy,
    string Visibility,
    IReadOnlyList<string> Buyers,
    string Approval);

/// <param name="Status">draft, listed or delisted.</param>
public sealed record Offering(
    string Id,
    string ProviderId,
    string DatasetId,
    string DatasetClass,
    string Title,
    string Description,
    Pricing Pricing,
    UsagePolicy Policy,
    string Visibility,
    IReadOnlyList<string> Buyers,
    string Approval,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A page of offerings; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record OfferingList(IReadOnlyList<Offering> Items, string? Next = null);
