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
/// <param name="Aggregates">The k-anonymous statistics the offering gives; null for none.</param>
public sealed record UsagePolicy(
    IReadOnlyList<string> Purposes,
    DateTimeOffset? EndsAt = null,
    int? TermDays = null,
    long? MaxUnitsPerPeriod = null,
    bool RedistributionProhibited = false,
    AggregatePolicy? Aggregates = null);

/// <summary>
/// Statistics an offering gives: group by 1 to 3 of <paramref name="Dimensions"/>, sum and average one of
/// <paramref name="Measures"/>; groups of fewer than <paramref name="K"/> people are suppressed and counts rounded to
/// <paramref name="RoundingStep"/>. With <paramref name="AggregateOnly"/> no record leaves, only statistics
/// (<see cref="MarketplaceClient.GetAggregateAsync"/>).
/// </summary>
public sealed record AggregatePolicy(
    IReadOnlyList<string> Dimensions,
    IReadOnlyList<string>? Measures = null,
    int? K = null,
    int? RoundingStep = null,
    bool? AggregateOnly = null);

/// <summary>The price of contracts for one declared purpose, instead of the offering's own pricing.</summary>
public sealed record PurposePrice(string Purpose, Pricing Pricing);

/// <param name="Visibility">public, or private to <paramref name="Buyers"/>.</param>
/// <param name="Approval">automatic, or provider (each contract waits for approval).</param>
/// <param name="Preview">
/// Whether the offering's page shows its first 20 records; null for the default (on for public data, off for
/// private); personal data never shows one, and asking for it is refused.
/// </param>
public sealed record CreateOfferingRequest(
    string Id,
    string DatasetId,
    string Title,
    string Description,
    Pricing Pricing,
    UsagePolicy Policy,
    string Visibility,
    IReadOnlyList<string> Buyers,
    string Approval,
    bool? Preview = null,
    IReadOnlyList<PurposePrice>? PurposePrices = null);

/// <summary>
/// An offering's whole new terms (PUT): pricing, policy, visibility and approval are required; an empty title or
/// description takes the dataset's; <c>Preview</c> null is the default. The dataset cannot change.
/// </summary>
public sealed record ReviseOfferingRequest(
    string Title,
    string Description,
    Pricing Pricing,
    UsagePolicy Policy,
    string Visibility,
    IReadOnlyList<string> Buyers,
    string Approval,
    bool? Preview = null,
    string? DatasetId = null,
    IReadOnlyList<PurposePrice>? PurposePrices = null)
{
    /// <summary>The terms an offering has now, to change and send back.</summary>
    public static ReviseOfferingRequest From(Offering offering)
    {
        ArgumentNullException.ThrowIfNull(offering);
        return new(offering.Title, offering.Description, offering.Pricing with { Summary = null }, offering.Policy, offering.Visibility,
            offering.Buyers, offering.Approval, offering.Preview, offering.DatasetId,
            [.. (offering.PurposePrices ?? []).Select(p => p with { Pricing = p.Pricing with { Summary = null } })]);
    }
}

/// <param name="Status">draft, listed or delisted.</param>
/// <param name="Preview">Whether the offering's page shows a preview of its records.</param>
/// <param name="Version">Counts the offering's changes; an edit sends it back (<see cref="MarketplaceClient.ReviseOfferingAsync"/>).</param>
/// <param name="PurposePrices">Prices for particular purposes; any other purpose gets <paramref name="Pricing"/>.</param>
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
    DateTimeOffset UpdatedAt,
    bool Preview,
    long Version,
    IReadOnlyList<PurposePrice>? PurposePrices = null,
    ListingOrigin? Origin = null);

/// <summary>Up to 20 records of an offering's current revision, as stored; free and not metered.</summary>
/// <param name="RevisionId">Null, with no rows, before a revision is published.</param>
/// <param name="Records">How many records the whole revision holds.</param>
public sealed record OfferingPreview(
    string OfferingId,
    string? RevisionId,
    long Records,
    IReadOnlyList<SchemaField> Fields,
    IReadOnlyList<System.Text.Json.JsonElement> Rows);

/// <summary>A page of offerings; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record OfferingList(IReadOnlyList<Offering> Items, string? Next = null);
