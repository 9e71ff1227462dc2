namespace Marketplace.Domain.Tests;

public sealed class PurposePriceTests
{
    private static readonly Currency Yen = Currency.Parse("JPY");
    private static readonly PricingPlan Full = PricingPlan.PerUnit(new Money(300, Yen), UsageUnit.Request);
    private static readonly UsagePolicy CityPurposes = UsagePolicy.Open with { PermittedPurposes = ["city-planning", "commercial-marketing"] };

    [Fact]
    public void A_contract_for_a_priced_purpose_gets_that_purposes_plan_and_any_other_the_offerings()
    {
        IReadOnlyList<PurposePrice> prices = [new("city-planning", PricingPlan.Free(Yen))];

        Assert.Equal((PricingPlan.Free(Yen), Full), (PurposePrice.PlanFor(prices, " City-Planning ", Full), PurposePrice.PlanFor(prices, "commercial-marketing", Full)));
    }

    [Theory]
    [InlineData("insurance-underwriting")]
    [InlineData("Not a code!")]
    public void A_price_for_a_purpose_the_policy_does_not_permit_or_no_purpose_code_is_refused(string purpose)
    {
        var refused = Assert.Throws<DomainException>(() => PurposePrice.Normalize([new(purpose, PricingPlan.Free(Yen))], Full, CityPurposes));

        Assert.Equal(ErrorCodes.PurposePriceInvalid.Value, refused.Code);
    }

    [Fact]
    public void A_purpose_priced_twice_is_refused()
    {
        Assert.Throws<DomainException>(() => PurposePrice.Normalize(
            [new("city-planning", PricingPlan.Free(Yen)), new("CITY-PLANNING", Full)], Full, CityPurposes));
    }

    [Fact]
    public void A_purpose_priced_in_another_currency_is_refused()
    {
        Assert.Throws<DomainException>(() => PurposePrice.Normalize([new("city-planning", PricingPlan.Free(Currency.Parse("USD")))], Full, CityPurposes));
    }
}
