using System.Globalization;

namespace Marketplace.Domain;

public sealed partial record PricingPlan
{
    /// <summary>Highest price of anything, in minor units (¥1,000,000,000,000): far below where charges could overflow.</summary>
    public const long MaxPriceMinor = 1_000_000_000_000;

    /// <summary>Largest block a unit price may cover.</summary>
    public const long MaxUnitBlock = 1_000_000_000;

    /// <summary>Largest number of included units or tier bound.</summary>
    public const long MaxUnits = 1_000_000_000_000_000;

    public const int MaxTiers = 20;

    /// <summary>Throws a <see cref="DomainException"/> (code <c>pricing.*</c>) if the plan could misprice usage.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw Invalid(ErrorCodes.PricingInvalidKind, $"'{Kind}' is not a plan kind; use Free, Flat, PerUnit or Tiered.");
        }
        if (!Enum.IsDefined(Unit))
        {
            throw Invalid(ErrorCodes.PricingInvalidUnit, $"'{Unit}' is not a usage unit; use Record, Request or MiB.");
        }
        if (Currency is null)
        {
            throw new DomainException(ErrorCodes.PricingMissingCurrency, "A pricing plan needs a currency, e.g. JPY.");
        }
        if (FlatFeeMinor < 0 || UnitPriceMinor < 0)
        {
            var price = new Money(Math.Min(FlatFeeMinor, UnitPriceMinor), Currency);
            throw Invalid(ErrorCodes.PricingNegativePrice, $"Prices cannot be negative (got {price}); use a free plan to charge nothing.");
        }
        if (FlatFeeMinor > MaxPriceMinor || UnitPriceMinor > MaxPriceMinor)
        {
            throw TooHigh(Math.Max(FlatFeeMinor, UnitPriceMinor));
        }
        if (UnitBlock is < 1 or > MaxUnitBlock)
        {
            throw Invalid(ErrorCodes.PricingInvalidBlock,
                $"The unit block must be 1 to {MaxUnitBlock:N0} (got {UnitBlock}); to charge ¥1 per 10 records use a block of 10.");
        }
        if (IncludedUnits is < 0 or > MaxUnits)
        {
            throw Invalid(ErrorCodes.PricingInvalidIncludedUnits, $"Included free units must be 0 to {MaxUnits:N0} (got {IncludedUnits}).");
        }
        ValidateUnusedFieldsAreDefault();
        if (Kind == PlanKind.Tiered)
        {
            ValidateTiers();
        }
    }

    private void ValidateUnusedFieldsAreDefault()
    {
        var stray =
            Kind != PlanKind.Flat && FlatFeeMinor != 0 ? "a flat fee"
            : Kind != PlanKind.PerUnit && UnitPriceMinor != 0 ? "a unit price"
            : Kind != PlanKind.PerUnit && UnitBlock != 1 ? "a unit block"
            : Kind != PlanKind.Tiered && IncludedUnits != 0 ? "included units"
            : Kind != PlanKind.Tiered && Tiers is { Count: > 0 } ? "tiers"
            : null;
        if (stray is not null)
        {
            throw Invalid(ErrorCodes.PricingInconsistent,
                $"A {PriceModelName} plan cannot have {stray}; it would be ignored. Choose the plan kind that uses it.");
        }
    }

    private void ValidateTiers()
    {
        if (Tiers is null || Tiers.Count == 0)
        {
            throw new DomainException(ErrorCodes.PricingInvalidTiers, "A tiered plan needs at least one tier; the last one must have no upper bound.");
        }
        if (Tiers.Count > MaxTiers)
        {
            throw Invalid(ErrorCodes.PricingInvalidTiers, $"A tiered plan has at most {MaxTiers} tiers (got {Tiers.Count}).");
        }
        var previousBound = IncludedUnits;
        for (var i = 0; i < Tiers.Count; i++)
        {
            var tier = Tiers[i] ?? throw Invalid(ErrorCodes.PricingInvalidTiers, $"Tier {i + 1} is missing.");
            var isLast = i == Tiers.Count - 1;
            if (tier.UnitPriceMinor < 0)
            {
                throw Invalid(ErrorCodes.PricingNegativePrice,
                    $"Prices cannot be negative (tier {i + 1} costs {new Money(tier.UnitPriceMinor, Currency)} per unit).");
            }
            if (tier.UnitPriceMinor > MaxPriceMinor)
            {
                throw TooHigh(tier.UnitPriceMinor);
            }
            if (tier.UpTo > MaxUnits)
            {
                throw Invalid(ErrorCodes.PricingInvalidTiers, $"Tier bounds are at most {MaxUnits:N0} units; tier {i + 1} ends at {tier.UpTo}.");
            }
            if (tier.UpTo is null && !isLast)
            {
                throw Invalid(ErrorCodes.PricingInvalidTiers, $"Only the last tier may be unbounded; tier {i + 1} of {Tiers.Count} has no upper bound.");
            }
            if (tier.UpTo is { } bound && isLast)
            {
                throw Invalid(ErrorCodes.PricingInvalidTiers,
                    $"The last tier must have no upper bound so every unit has a price; tier {i + 1} ends at {bound}.");
            }
            if (tier.UpTo is { } upTo && upTo <= previousBound)
            {
                var after = i == 0 ? $"the {IncludedUnits} included units" : $"tier {i}'s bound of {previousBound}";
                throw Invalid(ErrorCodes.PricingInvalidTiers,
                    $"Tier bounds count all units of the period and must increase: tier {i + 1} ends at {upTo}, which is not above {after}.");
            }
            previousBound = tier.UpTo ?? previousBound;
        }
    }

    private DomainException TooHigh(long priceMinor) =>
        Invalid(ErrorCodes.PricingInvalidPrice,
            $"Prices are at most {new Money(MaxPriceMinor, Currency)} (got {new Money(priceMinor, Currency)}); prices are integer minor units of the currency.");

    private static DomainException Invalid(DomainErrorCode code, FormattableString message) =>
        new(code, message.ToString(CultureInfo.InvariantCulture));
}
