using Marketplace.Domain;
using Marketplace.Domain.Federation;

namespace Marketplace.Domain.Tests.Federation;

public class RelayMarginTests
{
    private static readonly Currency Yen = Currency.Parse("JPY");

    [Fact]
    public void A_fixed_margin_is_added_to_the_price_of_each_block()
    {
        var partner = PricingPlan.PerUnit(new Money(3, Yen), UsageUnit.Record, 10);

        var local = RelayMargin.FixedPerUnit(2).RelayPlan(partner);

        Assert.Equal(PricingPlan.PerUnit(new Money(5, Yen), UsageUnit.Record, 10), local);
    }

    [Fact]
    public void A_basis_point_margin_rounds_up_to_a_whole_minor_unit()
    {
        // 10 % of ¥3 is ¥0.3: the relay charges ¥4, never less than the partner.
        var local = RelayMargin.BasisPoints(1_000).RelayPlan(PricingPlan.PerUnit(new Money(3, Yen), UsageUnit.Record));

        Assert.Equal(4, local.UnitPriceMinor);
    }

    [Fact]
    public void A_basis_point_margin_on_a_round_price_is_exact()
    {
        Assert.Equal(25, RelayMargin.BasisPoints(2_500).On(100));
    }

    [Fact]
    public void A_zero_margin_relays_at_the_partners_price()
    {
        var partner = PricingPlan.PerUnit(new Money(7, Yen), UsageUnit.Request);

        Assert.Equal(partner, RelayMargin.BasisPoints(0).RelayPlan(partner));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void A_basis_point_margin_outside_0_to_100_percent_is_refused(long basisPoints)
    {
        var e = Assert.Throws<DomainException>(() => RelayMargin.BasisPoints(basisPoints));

        Assert.Equal(ErrorCodes.RelayMarginInvalid.Value, e.Code);
    }

    [Fact]
    public void A_negative_fixed_margin_is_refused()
    {
        var e = Assert.Throws<DomainException>(() => RelayMargin.FixedPerUnit(-5));

        Assert.Equal(ErrorCodes.RelayMarginInvalid.Value, e.Code);
    }

    [Fact]
    public void A_flat_plan_cannot_be_relayed()
    {
        var e = Assert.Throws<DomainException>(() => RelayMargin.FixedPerUnit(1).RelayPlan(PricingPlan.Flat(new Money(30_000, Yen))));

        Assert.Equal(ErrorCodes.RelayNotRelayable.Value, e.Code);
    }

    [Fact]
    public void A_price_beyond_the_largest_price_with_the_margin_is_refused()
    {
        var partner = PricingPlan.PerUnit(new Money(1_000_000_000_000, Yen), UsageUnit.Record);

        var e = Assert.Throws<DomainException>(() => RelayMargin.FixedPerUnit(2).RelayPlan(partner));

        Assert.Equal(ErrorCodes.RelayMarginInvalid.Value, e.Code);
    }
}
