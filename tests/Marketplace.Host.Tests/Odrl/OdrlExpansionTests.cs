using System.Globalization;
using System.Xml;
using Marketplace.Application.Offerings;
using Marketplace.Domain;
using static Marketplace.Host.Tests.Odrl.OdrlExpansion;

namespace Marketplace.Host.Tests.Odrl;

/// <summary>
/// The ODRL documents read back through a JSON-LD processor with the ODRL context: each constraint, duty and
/// prohibition of the expanded form maps back to the term of the usage policy it came from.
/// </summary>
public sealed class OdrlExpansionTests
{
    private const string Xsd = "http://www.w3.org/2001/XMLSchema#";

    private static Task<OdrlExpansion> OfferAsync(UsagePolicy policy, PricingPlan? pricing = null, DatasetClass cls = DatasetClass.Private) =>
        ExpandAsync(OdrlPolicy.Offer(OdrlTerms.Offering(policy, pricing, cls), "Provider \"One\"", OdrlTerms.Base));

    [Fact]
    public async Task An_open_policy_is_an_offer_of_use_by_its_provider_on_the_catalogs_dataset()
    {
        var offer = await OfferAsync(UsagePolicy.Open);

        var permission = Assert.Single(offer.Rules("permission"));
        var assigner = One(offer.Policy, "assigner");
        Assert.Equal(
            (Iri("Offer"), "https://market.example/api/v1/offerings/off-odrl/policy.jsonld", "https://market.example/catalog/datasets/off-odrl",
                "https://market.example/providers/prov-odrl", "Provider \"One\""),
            (Assert.Single(Types(offer.Policy)), Id(offer.Policy), Id(One(offer.Policy, "target")),
                Id(assigner), Literal(One(assigner, "http://www.w3.org/2006/vcard/ns#fn")).Value));
        Assert.Equal(new[] { Iri("use") }, Actions(permission));
        Assert.Empty(LeftOperands(permission));
        Assert.Empty(offer.Rules("prohibition"));
    }

    [Fact]
    public async Task Every_constraint_of_a_full_policy_maps_back_to_the_policy()
    {
        var policy = OdrlTerms.Full;

        var offer = await OfferAsync(policy, PricingPlan.Free(Currency.JPY, UsageUnit.Record));

        var permission = Assert.Single(offer.Rules("permission"));
        var purpose = Constraint(permission, "purpose");
        var end = Constraint(permission, "dateTime");
        var term = Constraint(permission, "elapsedTime");
        var quota = Constraint(permission, "count");
        Assert.Equal(Iri("isAnyOf"), purpose.Operator);
        Assert.Equal(policy.PermittedPurposes.Order(), purpose.Right.Select(r => r.Value).Order());
        Assert.Equal((Iri("lt"), Xsd + "dateTime", policy.EndsAt), (end.Operator, end.Right[0].Type, DateTimeOffset.Parse(end.Right[0].Value, CultureInfo.InvariantCulture)));
        Assert.Equal((Iri("lteq"), Xsd + "duration", policy.TermDays), (term.Operator, term.Right[0].Type, (int?)XmlConvert.ToTimeSpan(term.Right[0].Value).TotalDays));
        Assert.Equal((Iri("lteq"), policy.MaxUnitsPerPeriod, "https://market.example/units/record"),
            (quota.Operator, (long?)long.Parse(quota.Right[0].Value, CultureInfo.InvariantCulture), quota.Unit));
        Assert.Equal(new[] { Iri("distribute") }, Actions(Assert.Single(offer.Rules("prohibition"))));
    }

    [Fact]
    public async Task An_aggregate_only_policy_permits_deriving_statistics_and_prohibits_reading_the_records()
    {
        var offer = await OfferAsync(OdrlTerms.AggregateOnly);

        Assert.Equal(new[] { Iri("derive") }, Actions(Assert.Single(offer.Rules("permission"))));
        Assert.Equal(new[] { Iri("read") }, Actions(Assert.Single(offer.Rules("prohibition"))));
    }

    [Fact]
    public async Task A_policy_with_aggregates_beside_the_records_permits_use()
    {
        var offer = await OfferAsync(UsagePolicy.Open with { Aggregates = new AggregatePolicy(["district"], [], AggregateOnly: false) });

        Assert.Equal(new[] { Iri("use") }, Actions(Assert.Single(offer.Rules("permission"))));
        Assert.Empty(offer.Rules("prohibition"));
    }

    [Fact]
    public async Task Personal_data_carries_the_duty_to_obtain_the_data_subjects_consent()
    {
        var offer = await OfferAsync(OdrlTerms.Full, cls: DatasetClass.Personal);

        var duty = Assert.Single(All(Assert.Single(offer.Rules("permission")), "duty"));
        Assert.Equal(new[] { Iri("obtainConsent") }, Actions(duty));
    }

    [Fact]
    public async Task A_flat_fee_is_a_duty_to_compensate_that_amount_every_month()
    {
        var offer = await OfferAsync(UsagePolicy.Open, PricingPlan.Flat(new Money(1_999, Currency.USD)));

        var duty = Assert.Single(All(Assert.Single(offer.Rules("permission")), "duty"));
        var compensate = One(duty, "action");
        var amount = Constraint(compensate, "payAmount", "refinement");
        var every = Constraint(compensate, "timeInterval", "refinement");
        Assert.Equal(new[] { Iri("compensate") }, Actions(duty));
        Assert.Equal((Iri("eq"), ("19.99", (string?)(Xsd + "decimal")), "http://qudt.org/vocab/currency/USD"), (amount.Operator, amount.Right[0], amount.Unit));
        Assert.Equal((Iri("eq"), "P1M"), (every.Operator, every.Right[0].Value));
    }

    [Fact]
    public async Task An_agreement_names_both_parties_the_agreed_purpose_the_snapshot_and_when_it_was_signed()
    {
        var contract = OdrlTerms.Contract(OdrlTerms.Full);

        var agreement = await ExpandAsync(OdrlPolicy.Agreement(contract, "Provider", "Buyer", OdrlTerms.Base));

        var permission = Assert.Single(agreement.Rules("permission"));
        var assignee = One(agreement.Policy, "assignee");
        Assert.Equal(
            (Iri("Agreement"), "https://market.example/api/v1/contracts/ctr-odrl/agreement.jsonld", "https://market.example/providers/prov-odrl",
                "https://market.example/buyers/buyer-odrl", "Buyer", "https://market.example/catalog/datasets/off-odrl"),
            (Assert.Single(Types(agreement.Policy)), Id(agreement.Policy), Id(One(agreement.Policy, "assigner")),
                Id(assignee), Literal(One(assignee, "http://www.w3.org/2006/vcard/ns#fn")).Value, Id(One(agreement.Policy, "target"))));
        Assert.Equal((Iri("eq"), "research"), (Constraint(permission, "purpose").Operator, Assert.Single(Constraint(permission, "purpose").Right).Value));
        Assert.Equal(contract.Terms.Policy.MaxUnitsPerPeriod, long.Parse(Constraint(permission, "count").Right[0].Value, CultureInfo.InvariantCulture));
        Assert.Equal(contract.ActivatedAt, DateTimeOffset.Parse(Literal(One(agreement.Policy, "http://purl.org/dc/terms/issued")).Value, CultureInfo.InvariantCulture));
        Assert.Equal(new[] { Iri("distribute") }, Actions(Assert.Single(agreement.Rules("prohibition"))));
    }
}
