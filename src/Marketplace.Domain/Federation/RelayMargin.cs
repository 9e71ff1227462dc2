namespace Marketplace.Domain.Federation;

[GenerateSerializer, Alias("Marketplace.RelayMarginKind")]
public enum RelayMarginKind
{
    /// <summary>A share of the partner's price, in basis points (100 = 1 %), rounded up to a whole minor unit.</summary>
    BasisPoints,

    /// <summary>A fixed amount, in minor units, added to the partner's price of each priced block of units.</summary>
    FixedPerUnit,
}

/// <summary>
/// What this marketplace adds to a partner city's price when it relays the partner's offering: the one home of the
/// relay's price arithmetic. Integer minor units, overflow checked; a basis-point margin rounds up, so a relay never
/// sells below the partner's price.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.RelayMargin")]
public sealed record RelayMargin([property: Id(0)] RelayMarginKind Kind, [property: Id(1)] long Value)
{
    /// <summary>At most 100 % on top of the partner's price.</summary>
    public const long MaxBasisPoints = 10_000;

    /// <summary>At most ¥1,000,000 (or 1,000,000 minor units of another currency) per priced block.</summary>
    public const long MaxFixedMinor = 1_000_000;

    public static RelayMargin BasisPoints(long basisPoints) => Validated(new RelayMargin(RelayMarginKind.BasisPoints, basisPoints));

    public static RelayMargin FixedPerUnit(long minorUnits) => Validated(new RelayMargin(RelayMarginKind.FixedPerUnit, minorUnits));

    /// <summary>The margin on one priced block that costs <paramref name="partnerPriceMinor"/> at the partner.</summary>
    public long On(long partnerPriceMinor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partnerPriceMinor);
        return Kind switch
        {
            RelayMarginKind.BasisPoints => checked((long)(((Int128)partnerPriceMinor * Value + (MaxBasisPoints - 1)) / MaxBasisPoints)),
            _ => Value,
        };
    }

    /// <summary>
    /// The local plan of a relay: the partner's plan with the margin added to the price of each priced block. Only
    /// a per-unit plan is relayed: its charge for the units all our buyers used together is what the partner charges
    /// the one relay contract, so the two ledgers can be compared unit for unit. A flat fee or a tiered plan would be
    /// charged once at the partner but once per buyer here.
    /// </summary>
    public PricingPlan RelayPlan(PricingPlan partnerPlan)
    {
        ArgumentNullException.ThrowIfNull(partnerPlan);
        if (partnerPlan.Kind != PlanKind.PerUnit || partnerPlan.IncludedUnits != 0)
        {
            throw new DomainException(ErrorCodes.RelayNotRelayable,
                $"Only an offering priced per unit (per record, request or MiB) can be relayed; this one is {partnerPlan.PriceModelName}. "
                + "A flat fee or tiers would be charged once at the partner but once per buyer here, so the ledgers could not agree.");
        }
        try
        {
            var price = checked(partnerPlan.UnitPriceMinor + On(partnerPlan.UnitPriceMinor));
            return PricingPlan.PerUnit(new Money(price, partnerPlan.Currency), partnerPlan.Unit, partnerPlan.UnitBlock);
        }
        catch (Exception e) when (e is OverflowException or DomainException)
        {
            throw new DomainException(ErrorCodes.RelayMarginInvalid,
                $"The partner's price plus this margin is beyond what can be charged ({e.Message}); choose a smaller margin.");
        }
    }

    private static RelayMargin Validated(RelayMargin margin)
    {
        var max = margin.Kind == RelayMarginKind.BasisPoints ? MaxBasisPoints : MaxFixedMinor;
        if (margin.Value < 0 || margin.Value > max || !Enum.IsDefined(margin.Kind))
        {
            throw new DomainException(ErrorCodes.RelayMarginInvalid, margin.Kind == RelayMarginKind.BasisPoints
                ? $"A margin in basis points is a whole number from 0 to {MaxBasisPoints} (100 = 1 %)."
                : $"A fixed margin is a whole number of minor units from 0 to {MaxFixedMinor} per priced block.");
        }
        return margin;
    }
}
