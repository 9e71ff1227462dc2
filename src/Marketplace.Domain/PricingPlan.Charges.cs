namespace Marketplace.Domain;

public sealed partial record PricingPlan
{
    public const long BytesPerMiB = 1_048_576;

    /// <summary>Units the plan prices: records and requests as metered; bytes become started mebibytes.</summary>
    public long BillableUnits(long meteredQuantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(meteredQuantity);
        return Unit == UsageUnit.MiB
            ? meteredQuantity / BytesPerMiB + (meteredQuantity % BytesPerMiB == 0 ? 0 : 1)
            : meteredQuantity;
    }

    /// <summary>The charge for one billing period's metered quantity; see the type's rounding rules.</summary>
    public Money PriceFor(long meteredQuantity)
    {
        Validate();
        var billable = BillableUnits(meteredQuantity);
        var minor = Kind switch
        {
            PlanKind.Flat => FlatFeeMinor,
            PlanKind.PerUnit => PerUnitCharge(billable),
            PlanKind.Tiered => TieredCharge(billable),
            _ => 0,
        };
        return new Money(minor, Currency);
    }

    private long PerUnitCharge(long billable)
    {
        var product = (Int128)billable * UnitPriceMinor;
        var quotient = product / UnitBlock;
        var remainder = product % UnitBlock;
        // Half-up: a remainder of at least half a block rounds up. Int128 leaves room for the doubling.
        if (remainder * 2 >= UnitBlock)
        {
            quotient++;
        }
        return checked((long)quotient);
    }

    private long TieredCharge(long billable)
    {
        Int128 total = 0;
        var lower = IncludedUnits;
        foreach (var tier in Tiers)
        {
            if (billable <= lower)
            {
                break;
            }
            var upper = Math.Min(billable, tier.UpTo ?? long.MaxValue);
            total += (Int128)(upper - lower) * tier.UnitPriceMinor;
            lower = upper;
        }
        return checked((long)total);
    }
}
