namespace Marketplace.Domain.Tests;

/// <summary>Policy and pricing terms stay within bounds that every later calculation can hold.</summary>
public sealed class TermBoundsTests
{
    private static readonly Currency Yen = Currency.JPY;

    [Theory]
    [InlineData(3_661)]
    [InlineData(int.MaxValue)]
    public void A_term_longer_than_ten_years_is_refused(int days)
    {
        var ex = Assert.Throws<DomainException>(() => (UsagePolicy.Open with { TermDays = days }).Validate());

        Assert.Equal("policy.invalid-term", ex.Code);
    }

    [Fact]
    public void A_ten_year_term_is_accepted()
    {
        (UsagePolicy.Open with { TermDays = 3_660 }).Validate();
    }

    [Fact]
    public void A_term_stored_before_terms_were_bounded_still_yields_an_end_instead_of_throwing()
    {
        var signedAt = new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.FromHours(9));

        var end = (UsagePolicy.Open with { TermDays = int.MaxValue }).ContractEndFor(signedAt);

        Assert.Equal(DateTimeOffset.MaxValue, end);
    }

    [Fact]
    public void An_end_date_in_the_last_millennium_of_the_calendar_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => (UsagePolicy.Open with { EndsAt = DateTimeOffset.MaxValue }).Validate());

        Assert.Equal("policy.invalid-term", ex.Code);
    }

    [Fact]
    public void A_quota_above_a_trillion_units_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => (UsagePolicy.Open with { MaxUnitsPerPeriod = 1_000_000_000_001 }).Validate());

        Assert.Equal("policy.invalid-quota", ex.Code);
    }

    [Fact]
    public void More_than_fifty_purposes_are_refused()
    {
        var purposes = Enumerable.Range(0, 51).Select(i => $"purpose-{i}").ToArray();

        var ex = Assert.Throws<DomainException>(() => (UsagePolicy.Open with { PermittedPurposes = purposes }).Validate());

        Assert.Equal("policy.invalid-purpose", ex.Code);
    }

    [Fact]
    public void A_flat_fee_above_a_trillion_minor_units_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.Flat(new Money(1_000_000_000_001, Yen)));

        Assert.Equal("pricing.invalid-price", ex.Code);
    }

    [Fact]
    public void A_unit_price_above_a_trillion_minor_units_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.PerUnit(new Money(long.MaxValue, Yen), UsageUnit.Record));

        Assert.Equal("pricing.invalid-price", ex.Code);
    }

    [Fact]
    public void A_tier_price_above_a_trillion_minor_units_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.Tiered(Yen, UsageUnit.Record, 0, [new PriceTier(null, 1_000_000_000_001)]));

        Assert.Equal("pricing.invalid-price", ex.Code);
    }

    [Fact]
    public void A_block_above_a_billion_units_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.PerUnit(new Money(1, Yen), UsageUnit.Record, 1_000_000_001));

        Assert.Equal("pricing.invalid-block", ex.Code);
    }

    [Fact]
    public void More_than_twenty_tiers_are_refused()
    {
        var tiers = Enumerable.Range(1, 20).Select(i => new PriceTier(i * 100L, 1)).Append(new PriceTier(null, 1)).ToArray();

        var ex = Assert.Throws<DomainException>(() => PricingPlan.Tiered(Yen, UsageUnit.Record, 0, tiers));

        Assert.Equal("pricing.invalid-tiers", ex.Code);
    }

    [Fact]
    public void Included_units_above_a_quadrillion_are_refused()
    {
        var ex = Assert.Throws<DomainException>(() => PricingPlan.Tiered(Yen, UsageUnit.Record, 1_000_000_000_000_001, [new PriceTier(null, 1)]));

        Assert.Equal("pricing.invalid-included-units", ex.Code);
    }
}
