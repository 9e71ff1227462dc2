using Marketplace.Domain;
using Marketplace.Domain.Federation;

namespace Marketplace.Domain.Tests.Federation;

public class RelayLedgersTests
{
    private static readonly Currency Yen = Currency.Parse("JPY");
    private static readonly PricingPlan PartnerPlan = PricingPlan.PerUnit(new Money(2, Yen), UsageUnit.Record);

    [Fact]
    public void Ledgers_agree_when_the_partner_metered_our_units_at_its_price()
    {
        var ledgers = RelayLedgers.Compare(PartnerPlan, 25, 25, new Money(50, Yen), new Money(75, Yen));

        Assert.True(ledgers.Agreed);
        Assert.Equal(new Money(25, Yen), ledgers.Margin);
    }

    [Fact]
    public void Ledgers_disagree_when_the_partner_metered_more_units_than_we_served()
    {
        var ledgers = RelayLedgers.Compare(PartnerPlan, 25, 30, new Money(60, Yen), new Money(75, Yen));

        Assert.False(ledgers.UnitsAgree);
        Assert.False(ledgers.Agreed);
    }

    [Fact]
    public void Ledgers_disagree_when_the_partner_charges_other_than_its_price_for_our_units()
    {
        var ledgers = RelayLedgers.Compare(PartnerPlan, 25, 25, new Money(51, Yen), new Money(75, Yen));

        Assert.True(ledgers.UnitsAgree);
        Assert.False(ledgers.ChargeAgrees);
    }

    [Fact]
    public void Ledgers_in_two_currencies_cannot_be_compared()
    {
        Assert.Throws<DomainException>(() => RelayLedgers.Compare(PartnerPlan, 1, 1, new Money(2, Yen), new Money(3, Currency.Parse("USD"))));
    }
}
