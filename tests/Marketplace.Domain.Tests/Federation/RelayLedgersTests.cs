using Marketplace.Domain;
using Marketplace.Domain.Federation;

namespace Marketplace.Domain.Tests.Federation;

public class RelayLedgersTests
{
    private static readonly Currency Yen = Currency.Parse("JPY");
    private static readonly PricingPlan PartnerPlan = PricingPlan.PerUnit(new Money(2, Yen), UsageUnit.Record);

    /// <summary>50 % on the partner's ¥2 a record: our buyers pay ¥3 a record.</summary>
    private static readonly RelayMargin Half = RelayMargin.BasisPoints(5_000);

    [Fact]
    public void Ledgers_agree_when_the_partner_metered_our_units_at_its_price()
    {
        var ledgers = RelayLedgers.Compare(PartnerPlan, Half, [25], 25, new Money(50, Yen), new Money(75, Yen));

        Assert.True(ledgers.Agreed);
        Assert.Equal(new Money(25, Yen), ledgers.Margin);
    }

    [Fact]
    public void Ledgers_disagree_when_the_partner_metered_more_units_than_we_served()
    {
        var ledgers = RelayLedgers.Compare(PartnerPlan, Half, [25], 30, new Money(60, Yen), new Money(75, Yen));

        Assert.False(ledgers.UnitsAgree);
        Assert.False(ledgers.Agreed);
    }

    [Fact]
    public void Ledgers_disagree_when_the_partner_charges_other_than_its_price_for_our_units()
    {
        var ledgers = RelayLedgers.Compare(PartnerPlan, Half, [25], 25, new Money(51, Yen), new Money(75, Yen));

        Assert.True(ledgers.UnitsAgree);
        Assert.False(ledgers.ChargeAgrees);
    }

    [Fact]
    public void Ledgers_in_two_currencies_cannot_be_compared()
    {
        Assert.Throws<DomainException>(() => RelayLedgers.Compare(PartnerPlan, Half, [1], 1, new Money(2, Yen), new Money(3, Currency.Parse("USD"))));
    }

    [Fact]
    public void The_partners_charge_plus_the_configured_margin_is_what_our_buyers_pay()
    {
        var ledgers = RelayLedgers.Compare(PartnerPlan, RelayMargin.FixedPerUnit(1), [10, 15], 25, new Money(50, Yen), new Money(75, Yen));

        Assert.True(ledgers.Agreed);
        Assert.Equal((25L, new Money(75, Yen), new Money(25, Yen)), (ledgers.LocalUnits, ledgers.ExpectedLocalCharge, ledgers.ExpectedMargin));
        Assert.Equal(ledgers.LocalCharge, ledgers.PartnerCharge + ledgers.ExpectedMargin);
    }

    [Fact]
    public void Ledgers_disagree_when_our_buyers_were_charged_other_than_the_partners_price_plus_the_configured_margin()
    {
        // The partner's side is right, but our buyers paid ¥2 a record as if there were no margin.
        var ledgers = RelayLedgers.Compare(PartnerPlan, Half, [25], 25, new Money(50, Yen), new Money(50, Yen));

        Assert.True(ledgers.UnitsAgree && ledgers.ChargeAgrees);
        Assert.False(ledgers.LocalChargeAgrees);
        Assert.False(ledgers.Agreed);
        Assert.Equal((new Money(0, Yen), new Money(25, Yen)), (ledgers.Margin, ledgers.ExpectedMargin));
    }

    [Fact]
    public void Each_buyer_is_charged_on_its_own_so_the_expected_charge_is_summed_per_contract()
    {
        // ¥3 per 10 records at the partner, ¥5 here (50 %, rounded up); two buyers of 5 records pay ¥2.5, rounded to ¥3, each.
        var blocks = PricingPlan.PerUnit(new Money(3, Yen), UsageUnit.Record, 10);

        var ledgers = RelayLedgers.Compare(blocks, Half, [5, 5], 10, new Money(3, Yen), new Money(6, Yen));

        Assert.True(ledgers.Agreed);
        Assert.Equal((new Money(3, Yen), new Money(6, Yen)), (ledgers.ExpectedPartnerCharge, ledgers.ExpectedLocalCharge));
    }
}
