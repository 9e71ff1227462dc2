using System.Globalization;

namespace Marketplace.Samples.SmartCity.City;

public enum PriceModel
{
    Free,
    Flat,
    PerUnit,
    Tiered,
}

public enum PricingUnit
{
    Record,
    Request,
    Mib,
}

/// <param name="Amount">Yen per <paramref name="UnitBlock"/> units for per-unit pricing; the monthly fee for flat.</param>
public sealed record SamplePricing(PriceModel Model, long Amount = 0, PricingUnit? Unit = null, int? UnitBlock = null)
{
    public const string Currency = "JPY";

    public static SamplePricing Free { get; } = new(PriceModel.Free);

    public static SamplePricing Monthly(long yen) => new(PriceModel.Flat, yen);

    public static SamplePricing PerRecords(long yen, int records) => new(PriceModel.PerUnit, yen, PricingUnit.Record, records);

    public static SamplePricing PerRequest(long yen) => new(PriceModel.PerUnit, yen, PricingUnit.Request, 1);

    public string Summary => Model switch
    {
        PriceModel.Free => "free",
        PriceModel.Flat => string.Create(CultureInfo.InvariantCulture, $"¥{Amount:N0} a month"),
        _ when UnitBlock is null or 1 => string.Create(CultureInfo.InvariantCulture, $"¥{Amount:N0} per {UnitName}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"¥{Amount:N0} per {UnitBlock:N0} {UnitName}s"),
    };

    private string UnitName => Unit?.ToString().ToLowerInvariant() ?? "unit";
}

/// <param name="MaxUnitsPerPeriod">The buyer's quota per billing period; null for none.</param>
/// <param name="ProviderApproves">Whether the provider must approve each contract (otherwise it starts at once).</param>
/// <param name="Aggregates">The statistics the offering gives instead of (or besides) its records; null for none.</param>
/// <param name="PurposePrices">Prices for particular purposes instead of <paramref name="Pricing"/>.</param>
public sealed record SampleOffering(
    string Id,
    string DatasetId,
    string Title,
    string Description,
    SamplePricing Pricing,
    IReadOnlyList<string> Purposes,
    long? MaxUnitsPerPeriod,
    bool RedistributionProhibited,
    bool ProviderApproves,
    SampleAggregates? Aggregates = null,
    IReadOnlyList<(string Purpose, SamplePricing Pricing)>? PurposePrices = null);

/// <summary>k-anonymous statistics: group by <paramref name="Dimensions"/>, sum and average <paramref name="Measures"/>; groups under k people suppressed, counts rounded to the step.</summary>
public sealed record SampleAggregates(IReadOnlyList<string> Dimensions, IReadOnlyList<string> Measures, int K, int RoundingStep, bool AggregateOnly = true);

/// <summary>A contract the seeder sets up so the walk-through starts with live data flows.</summary>
public sealed record SampleSubscription(string BuyerId, string OfferingId, string Purpose);
