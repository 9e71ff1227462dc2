namespace Marketplace.Domain.Tests;

public sealed class PricingPlanPriceForTests
{
    private const long MiB = 1_048_576;

    private static readonly PricingPlan YenPerTenRecords = PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record, 10);

    // First 100 records free, 101..1000 at ¥2, beyond 1000 at ¥1.
    private static readonly PricingPlan Graduated = PricingPlan.Tiered(
        Currency.JPY, UsageUnit.Record, includedUnits: 100, [new PriceTier(1000, 2), new PriceTier(null, 1)]);

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_000)]
    public void Free_costs_nothing_whatever_the_usage(long quantity)
    {
        Assert.Equal(Money.Zero(Currency.USD), PricingPlan.Free(Currency.USD).PriceFor(quantity));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_000)]
    public void Flat_costs_the_fee_whatever_the_usage(long quantity)
    {
        var plan = PricingPlan.Flat(Money.Of(30000, "JPY"));

        Assert.Equal(Money.Of(30000, "JPY"), plan.PriceFor(quantity));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    [InlineData(10, 1)]
    [InlineData(14, 1)]
    [InlineData(15, 2)]
    [InlineData(1234, 123)]
    [InlineData(1235, 124)]
    public void PerUnit_rounds_the_period_total_half_up_once(long records, long expectedYen)
    {
        Assert.Equal(Money.Of(expectedYen, "JPY"), YenPerTenRecords.PriceFor(records));
    }

    [Fact]
    public void PerUnit_rounds_an_exact_half_up()
    {
        var plan = PricingPlan.PerUnit(Money.Of(1, "USD"), UsageUnit.Request, unitBlock: 2);

        Assert.Equal(Money.Of(1, "USD"), plan.PriceFor(1));
    }

    [Fact]
    public void PerUnit_with_block_one_multiplies()
    {
        var plan = PricingPlan.PerUnit(Money.Of(250, "USD"), UsageUnit.Request);

        Assert.Equal(Money.Of(1750, "USD"), plan.PriceFor(7));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(MiB - 1, 1)]
    [InlineData(MiB, 1)]
    [InlineData(MiB + 1, 2)]
    [InlineData(2 * MiB, 2)]
    public void BillableUnits_for_MiB_rounds_started_mebibytes_up(long bytes, long expectedMiB)
    {
        var plan = PricingPlan.PerUnit(Money.Of(10, "JPY"), UsageUnit.MiB);

        Assert.Equal(expectedMiB, plan.BillableUnits(bytes));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(MiB, 10)]
    [InlineData(MiB + 1, 20)]
    public void PerUnit_per_MiB_charges_started_mebibytes(long bytes, long expectedYen)
    {
        var plan = PricingPlan.PerUnit(Money.Of(10, "JPY"), UsageUnit.MiB);

        Assert.Equal(Money.Of(expectedYen, "JPY"), plan.PriceFor(bytes));
    }

    [Theory]
    [InlineData(UsageUnit.Record)]
    [InlineData(UsageUnit.Request)]
    public void BillableUnits_for_records_and_requests_is_the_metered_count(UsageUnit unit)
    {
        var plan = PricingPlan.PerUnit(Money.Of(1, "JPY"), unit);

        Assert.Equal(MiB + 1, plan.BillableUnits(MiB + 1));
    }

    [Fact]
    public void A_negative_metered_quantity_is_a_bug_not_a_price()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => YenPerTenRecords.PriceFor(-1));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(100, 0)]
    [InlineData(101, 2)]
    [InlineData(999, 1798)]
    [InlineData(1000, 1800)]
    [InlineData(1001, 1801)]
    [InlineData(2000, 2800)]
    public void Tiered_charges_each_unit_at_the_price_of_its_tier(long records, long expectedYen)
    {
        Assert.Equal(Money.Of(expectedYen, "JPY"), Graduated.PriceFor(records));
    }

    [Fact]
    public void Tiered_without_included_units_charges_from_the_first_unit()
    {
        var plan = PricingPlan.Tiered(Currency.JPY, UsageUnit.Record, 0, [new PriceTier(10, 5), new PriceTier(null, 1)]);

        Assert.Equal(Money.Of(5, "JPY"), plan.PriceFor(1));
    }

    [Fact]
    public void Tiered_per_MiB_counts_tier_bounds_in_mebibytes()
    {
        var plan = PricingPlan.Tiered(Currency.JPY, UsageUnit.MiB, 1, [new PriceTier(null, 100)]);

        Assert.Equal(Money.Of(100, "JPY"), plan.PriceFor(MiB + 1));
    }

    [Fact]
    public void PerUnit_total_beyond_the_largest_amount_throws_instead_of_wrapping()
    {
        var plan = PricingPlan.PerUnit(new Money(PricingPlan.MaxPriceMinor, Currency.JPY), UsageUnit.Record);

        Assert.Throws<OverflowException>(() => plan.PriceFor(10_000_000_000));
    }

    [Fact]
    public void PerUnit_intermediate_products_beyond_long_do_not_overflow_when_the_total_fits()
    {
        var plan = PricingPlan.PerUnit(Money.Of(1_000_000, "JPY"), UsageUnit.Record, unitBlock: 1_000_000);

        Assert.Equal(new Money(long.MaxValue, Currency.JPY), plan.PriceFor(long.MaxValue));
    }

    [Fact]
    public void Tiered_total_beyond_the_largest_amount_throws_instead_of_wrapping()
    {
        var plan = PricingPlan.Tiered(Currency.JPY, UsageUnit.Record, 0, [new PriceTier(null, PricingPlan.MaxPriceMinor)]);

        Assert.Throws<OverflowException>(() => plan.PriceFor(10_000_000_000));
    }

    [Fact]
    public void PriceFor_refuses_to_price_with_an_invalid_plan()
    {
        var broken = YenPerTenRecords with { UnitBlock = 0 };

        Assert.Equal("pricing.invalid-block", Assert.Throws<DomainException>(() => broken.PriceFor(10)).Code);
    }
}
