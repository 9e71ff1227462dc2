using System.Globalization;

namespace Marketplace.Domain;

public sealed partial record PricingPlan
{
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
        if (UnitBlock < 1)
        {
            throw Invalid(ErrorCodes.PricingInvalidBlock,
                $"The unit block must be at least 1 (got {UnitBlock}); to charge ¥1 per 10 records use a block of 10.");
        }
        if (IncludedUnits < 0)
        {
            throw Invalid(ErrorCodes.PricingInvalidIncludedUnits, $"Included free units cannot be negative (got {IncludedUnits}).");
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

    private static DomainException Invalid(DomainErrorCode code, FormattableString message) =>
        new(code, message.ToString(CultureInfo.InvariantCulture));
}
