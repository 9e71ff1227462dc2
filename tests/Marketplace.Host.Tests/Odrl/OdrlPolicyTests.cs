using System.Text.Json;
using Marketplace.Application.Catalog;
using Marketplace.Application.Offerings;
using Marketplace.Domain;

namespace Marketplace.Host.Tests.Odrl;

/// <summary>The mapping of usage policies to ODRL, on the document as written (compact JSON-LD); no host, no node.</summary>
public sealed class OdrlPolicyTests
{
    private static JsonElement Offer(UsagePolicy policy, PricingPlan? pricing = null, DatasetClass cls = DatasetClass.Private,
        IReadOnlyList<PurposePrice>? purposePrices = null) =>
        JsonDocument.Parse(OdrlPolicy.Offer(OdrlTerms.Offering(policy, pricing, cls, purposePrices), "Provider", OdrlTerms.Base)).RootElement;

    private static bool HasDuty(JsonElement policy) => policy.GetProperty("permission")[0].TryGetProperty("duty", out _);

    [Fact]
    public void The_target_is_the_dataset_iri_the_dcat_catalog_mints()
    {
        Assert.Equal(DcatCatalog.DatasetIri(OdrlTerms.Root, "off-odrl").Value, OdrlPolicy.TargetIri(OdrlTerms.Root, "off-odrl"));
    }

    [Fact]
    public void An_offer_names_the_standard_odrl_context_and_its_own_address()
    {
        var offer = Offer(UsagePolicy.Open);

        Assert.Equal(("http://www.w3.org/ns/odrl.jsonld", "Offer", "https://market.example/api/v1/offerings/off-odrl/policy.jsonld"),
            (offer.GetProperty("@context").GetString(), offer.GetProperty("@type").GetString(), offer.GetProperty("uid").GetString()));
    }

    [Fact]
    public void An_open_policy_permits_use_without_constraints_duties_or_prohibitions()
    {
        var offer = Offer(UsagePolicy.Open);

        var permission = Assert.Single(offer.GetProperty("permission").EnumerateArray());
        Assert.Equal("use", permission.GetProperty("action").GetString());
        Assert.False(permission.TryGetProperty("constraint", out _) || permission.TryGetProperty("duty", out _) || offer.TryGetProperty("prohibition", out _));
    }

    [Fact]
    public void The_end_date_is_an_xsd_date_time_in_utc_without_an_empty_fraction()
    {
        Assert.Equal("2027-03-31T00:00:00Z", OdrlPolicy.DateTimeText(new DateTimeOffset(2027, 3, 31, 9, 0, 0, TimeSpan.FromHours(9))));
    }

    [Fact]
    public void A_date_with_a_fraction_of_a_second_keeps_it()
    {
        Assert.Equal("2027-03-31T00:00:00.25Z", OdrlPolicy.DateTimeText(new DateTimeOffset(2027, 3, 31, 0, 0, 0, 250, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData(30_000, "JPY", "30000")]
    [InlineData(1_999, "USD", "19.99")]
    [InlineData(5, "KWD", "0.005")]
    public void A_fee_is_a_decimal_in_the_currencys_major_unit(long minor, string currency, string expected)
    {
        Assert.Equal(expected, OdrlPolicy.Amount(minor, Currency.Parse(currency)));
    }

    [Fact]
    public void A_flat_fee_is_a_duty_to_compensate()
    {
        Assert.True(HasDuty(Offer(UsagePolicy.Open, PricingPlan.Flat(new Money(30_000, Currency.JPY)))));
    }

    [Fact]
    public void A_per_unit_price_is_no_duty_in_the_offer()
    {
        Assert.False(HasDuty(Offer(UsagePolicy.Open, PricingPlan.PerUnit(new Money(2, Currency.JPY), UsageUnit.Record))));
    }

    [Fact]
    public void A_fee_that_differs_by_purpose_is_no_duty_in_the_offer()
    {
        var offer = Offer(UsagePolicy.Open, PricingPlan.Flat(new Money(30_000, Currency.JPY)),
            purposePrices: [new PurposePrice("research", PricingPlan.Flat(new Money(10_000, Currency.JPY)))]);

        Assert.False(HasDuty(offer));
    }

    [Fact]
    public void An_agreement_holds_the_one_agreed_purpose()
    {
        var agreement = JsonDocument.Parse(OdrlPolicy.Agreement(OdrlTerms.Contract(OdrlTerms.Full), "P", "B", OdrlTerms.Base)).RootElement;

        var purpose = agreement.GetProperty("permission")[0].GetProperty("constraint")[0];
        Assert.Equal(("purpose", "eq", "research"),
            (purpose.GetProperty("leftOperand").GetString(), purpose.GetProperty("operator").GetString(), purpose.GetProperty("rightOperand").GetString()));
    }

    [Fact]
    public void A_contract_never_activated_is_the_buyers_request_not_an_agreement()
    {
        var document = JsonDocument.Parse(OdrlPolicy.Agreement(OdrlTerms.Contract(OdrlTerms.Full, activated: false), "P", "B", OdrlTerms.Base)).RootElement;

        Assert.Equal("Request", document.GetProperty("@type").GetString());
        Assert.False(document.TryGetProperty("dct:issued", out _));
    }
}
