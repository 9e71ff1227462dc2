namespace Marketplace.Domain;

/// <summary>
/// How an offering charges for one billing period (a calendar month, see <see cref="BillingPeriod"/>).
/// Rounding rules:
/// <list type="bullet">
/// <item><see cref="UsageUnit.MiB"/> meters count bytes; a started mebibyte is billed whole (ceiling).</item>
/// <item>Per-unit plans price a block of <see cref="UnitBlock"/> units; the period's charge is
/// billable × price ÷ block, rounded once, half-up, to the currency's minor unit (so ¥1 per 10 records
/// charges ¥0 for 4 records and ¥1 for 5).</item>
/// <item>Tiered prices are per unit, so graduated sums are exact and never rounded.</item>
/// <item>Amounts that do not fit in a <see cref="long"/> of minor units throw <see cref="OverflowException"/>.</item>
/// </list>
/// Fields a kind does not use must stay at their defaults (0, block 1, no tiers) so no price is silently ignored.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PricingPlan")]
public sealed partial record PricingPlan(
    [property: Id(0)] PlanKind Kind,
    [property: Id(1)] Currency Currency,
    [property: Id(2)] long FlatFeeMinor,
    [property: Id(3)] long UnitPriceMinor,
    [property: Id(4)] long UnitBlock,
    [property: Id(5)] UsageUnit Unit,
    [property: Id(6)] long IncludedUnits,
    IReadOnlyList<PriceTier> Tiers)
{
    [Id(7)]
    public IReadOnlyList<PriceTier> Tiers { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Tiers);

    public static PricingPlan Free(Currency currency) => Free(currency, UsageUnit.Request);

    /// <summary>A free plan whose meter still counts <paramref name="unit"/>, e.g. for a quota in records.</summary>
    public static PricingPlan Free(Currency currency, UsageUnit unit) =>
        Validated(new PricingPlan(PlanKind.Free, currency, 0, 0, 1, unit, 0, []));

    /// <summary>The same fee every period whatever the usage; requests are still metered.</summary>
    public static PricingPlan Flat(Money feePerPeriod)
    {
        ArgumentNullException.ThrowIfNull(feePerPeriod);
        return Validated(new PricingPlan(PlanKind.Flat, feePerPeriod.Currency, feePerPeriod.MinorUnits, 0, 1, UsageUnit.Request, 0, []));
    }

    /// <summary><paramref name="unitPrice"/> per block of <paramref name="unitBlock"/> units: ¥1 per 10 records is PerUnit(¥1, Record, 10).</summary>
    public static PricingPlan PerUnit(Money unitPrice, UsageUnit unit, long unitBlock = 1)
    {
        ArgumentNullException.ThrowIfNull(unitPrice);
        return Validated(new PricingPlan(PlanKind.PerUnit, unitPrice.Currency, 0, unitPrice.MinorUnits, unitBlock, unit, 0, []));
    }

    /// <summary><paramref name="includedUnits"/> free units, then graduated <paramref name="tiers"/> priced per unit.</summary>
    public static PricingPlan Tiered(Currency currency, UsageUnit unit, long includedUnits, IReadOnlyList<PriceTier> tiers) =>
        Validated(new PricingPlan(PlanKind.Tiered, currency, 0, 0, 1, unit, includedUnits, tiers));

    public bool IsFree => Kind switch
    {
        PlanKind.Free => true,
        PlanKind.Flat => FlatFeeMinor == 0,
        PlanKind.PerUnit => UnitPriceMinor == 0,
        PlanKind.Tiered => Tiers.All(tier => tier.UnitPriceMinor == 0),
        _ => false,
    };

    public string PriceModelName => Kind switch
    {
        PlanKind.Free => "free",
        PlanKind.Flat => "flat",
        PlanKind.PerUnit => "per-unit",
        PlanKind.Tiered => "tiered",
        _ => "unknown",
    };

    public bool Equals(PricingPlan? other) =>
        other is not null
        && Kind == other.Kind && Currency == other.Currency && FlatFeeMinor == other.FlatFeeMinor
        && UnitPriceMinor == other.UnitPriceMinor && UnitBlock == other.UnitBlock && Unit == other.Unit
        && IncludedUnits == other.IncludedUnits && ReadOnlyLists.SequenceEqual(Tiers, other.Tiers);

    public override int GetHashCode() =>
        HashCode.Combine(Kind, Currency, FlatFeeMinor, UnitPriceMinor, UnitBlock, Unit, IncludedUnits, ReadOnlyLists.Hash(Tiers));

    private static PricingPlan Validated(PricingPlan plan)
    {
        plan.Validate();
        return plan;
    }
}
