namespace Marketplace.Domain;

public sealed partial record PricingPlan
{
    /// <summary>
    /// The number the catalog sorts by price on, in the plan's minor units: what the first thing a buyer pays for
    /// costs. A free plan (<see cref="IsFree"/>, of any kind) is 0; a flat plan is its fee per period; a per-unit
    /// plan is the price of one block of <see cref="UnitBlock"/> units (¥1 per 10 records is 1); a tiered plan is
    /// the unit price of the tier that prices the first unit past <see cref="IncludedUnits"/> (0 when no tier
    /// does). Plans metering different units compare only roughly; currencies are not converted.
    /// </summary>
    public long CatalogPriceMinor() => IsFree ? 0 : Kind switch
    {
        PlanKind.Flat => FlatFeeMinor,
        PlanKind.PerUnit => UnitPriceMinor,
        PlanKind.Tiered => Tiers.FirstOrDefault(tier => tier.UpTo is not { } upTo || upTo > IncludedUnits)?.UnitPriceMinor ?? 0,
        _ => 0,
    };
}
