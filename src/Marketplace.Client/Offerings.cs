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
    bool? Preview = null);

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
    string? DatasetId = null)
{
    /// <summary>The terms an offering has now, to change and send back.</summary>
    public static ReviseOfferingRequest From(Offering offering)
    {
        ArgumentNullException.ThrowIfNull(offering);
        return new(offering.Title, offering.Description, offering.Pricing with { Summary = null }, offering.Policy, offering.Visibility,
            offering.Buyers, offering.Approval, offering.Preview, offering.DatasetId);
    }
}

/// <param name="Status">draft, listed or delisted.</param>
/// <param name="Preview">Whether the offering's page shows a preview of its records.</param>
/// <param name="Version">Counts the offering's changes; an edit sends it back (<see cref="MarketplaceClient.ReviseOfferingAsync"/>).</param>
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
    long Version);

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
