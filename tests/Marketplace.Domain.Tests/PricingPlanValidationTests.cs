namespace Marketplace.Domain.Tests;

public sealed class PricingPlanValidationTests
{
    private static readonly Currency Yen = Currency.JPY;

    [Fact]
    public void Flat_with_a_negative_fee_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.Flat(Money.Of(-1, "JPY")));

        Assert.Equal("pricing.negative-price", ex.Code);
    }

    [Fact]
    public void PerUnit_with_a_negative_price_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.PerUnit(Money.Of(-5, "JPY"), UsageUnit.Record));

        Assert.Equal("pricing.negative-price", ex.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-10)]
    public void PerUnit_with_a_block_below_one_is_refused_with_an_example(long block)
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record, block));

        Assert.Equal("pricing.invalid-block", ex.Code);
        Assert.Contains("block of 10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tiered_with_negative_included_units_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.Tiered(Yen, UsageUnit.Record, -1, [new PriceTier(null, 1)]));

        Assert.Equal("pricing.invalid-included-units", ex.Code);
    }

    [Fact]
    public void Tiered_with_a_negative_tier_price_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() =>
            PricingPlan.Tiered(Yen, UsageUnit.Record, 0, [new PriceTier(100, 2), new PriceTier(null, -1)]));

        Assert.Equal("pricing.negative-price", ex.Code);
    }

    public static TheoryData<string, long, PriceTier[]> BadTiers => new()
    {
        { "no tiers", 0, [] },
        { "unbounded tier before the last", 0, [new PriceTier(null, 2), new PriceTier(null, 1)] },
        { "bounded last tier", 0, [new PriceTier(100, 2), new PriceTier(1000, 1)] },
        { "bounds not increasing", 0, [new PriceTier(1000, 2), new PriceTier(500, 1), new PriceTier(null, 1)] },
        { "equal bounds", 0, [new PriceTier(1000, 2), new PriceTier(1000, 1), new PriceTier(null, 1)] },
        { "first bound within the included units", 100, [new PriceTier(100, 2), new PriceTier(null, 1)] },
    };

    [Theory]
    [MemberData(nameof(BadTiers))]
    public void Tiered_with_unusable_tiers_is_refused(string why, long included, PriceTier[] tiers)
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.Tiered(Yen, UsageUnit.Record, included, tiers));

        Assert.True(ex.Code == "pricing.invalid-tiers", $"{why}: got {ex.Code}");
    }

    [Fact]
    public void Validate_refuses_a_deserialized_plan_carrying_a_price_its_kind_ignores()
    {
        var plan = new PricingPlan(PlanKind.PerUnit, Yen, FlatFeeMinor: 500, UnitPriceMinor: 1, UnitBlock: 1, UsageUnit.Record, 0, []);

        var ex = Assert.Throws<DomainException>(plan.Validate);

        Assert.Equal("pricing.inconsistent", ex.Code);
        Assert.Contains("flat fee", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_refuses_a_deserialized_plan_without_currency()
    {
        var plan = PricingPlan.Free(Yen) with { Currency = null! };

        var ex = Assert.Throws<DomainException>(plan.Validate);

        Assert.Equal("pricing.missing-currency", ex.Code);
    }

    [Fact]
    public void Validate_refuses_an_unknown_plan_kind()
    {
        var plan = PricingPlan.Free(Yen) with { Kind = (PlanKind)42 };

        Assert.Equal("pricing.invalid-kind", Assert.Throws<DomainException>(plan.Validate).Code);
    }

    [Fact]
    public void Tiered_keeps_its_own_copy_of_the_tiers()
    {
        var tiers = new List<PriceTier> { new(1000, 2), new(null, 1) };
        var plan = PricingPlan.Tiered(Yen, UsageUnit.Record, 0, tiers);

        tiers[0] = new PriceTier(1000, 999);

        Assert.Equal(2, plan.Tiers[0].UnitPriceMinor);
    }

    [Fact]
    public void Plans_with_equal_tiers_are_equal()
    {
        var first = PricingPlan.Tiered(Yen, UsageUnit.Record, 10, [new PriceTier(100, 2), new PriceTier(null, 1)]);
        var second = PricingPlan.Tiered(Yen, UsageUnit.Record, 10, [new PriceTier(100, 2), new PriceTier(null, 1)]);

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    public static TheoryData<PricingPlan, bool> Freeness => new()
    {
        { PricingPlan.Free(Currency.JPY), true },
        { PricingPlan.Flat(Money.Of(0, "JPY")), true },
        { PricingPlan.Flat(Money.Of(30000, "JPY")), false },
        { PricingPlan.PerUnit(Money.Of(0, "JPY"), UsageUnit.Record), true },
        { PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), false },
        { PricingPlan.Tiered(Currency.JPY, UsageUnit.Record, 5, [new PriceTier(null, 0)]), true },
        { PricingPlan.Tiered(Currency.JPY, UsageUnit.Record, 5, [new PriceTier(10, 0), new PriceTier(null, 1)]), false },
    };

    [Theory]
    [MemberData(nameof(Freeness))]
    public void IsFree_is_true_only_when_no_usage_can_cost_anything(PricingPlan plan, bool expected)
    {
        Assert.Equal(expected, plan.IsFree);
    }

    public static TheoryData<PricingPlan, string> ModelNames => new()
    {
        { PricingPlan.Free(Currency.JPY), "free" },
        { PricingPlan.Flat(Money.Of(1, "JPY")), "flat" },
        { PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), "per-unit" },
        { PricingPlan.Tiered(Currency.JPY, UsageUnit.Record, 0, [new PriceTier(null, 1)]), "tiered" },
    };

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void PriceModelName_names_the_kind(PricingPlan plan, string expected)
    {
        Assert.Equal(expected, plan.PriceModelName);
    }

    [Fact]
    public void Flat_meters_requests()
    {
        Assert.Equal(UsageUnit.Request, PricingPlan.Flat(Money.Of(100, "JPY")).Unit);
    }
}
