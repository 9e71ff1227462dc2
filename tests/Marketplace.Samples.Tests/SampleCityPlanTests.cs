using Marketplace.Samples.SmartCity.City;

namespace Marketplace.Samples.Tests;

/// <summary>Rules that hold across the whole sample city, so a new dataset or offering cannot break them quietly.</summary>
public sealed class SampleCityPlanTests
{
    [Fact]
    public void Every_dataset_belongs_to_a_provider_party()
    {
        Assert.All(SampleCity.Datasets, d => Assert.Contains(SampleCity.Party(d.ProviderId).Role, new[] { PartyRole.Provider, PartyRole.InformationBank }));
    }

    [Fact]
    public void Only_personal_data_names_a_subject_field_and_it_is_a_required_schema_field()
    {
        Assert.All(SampleCity.Datasets, d =>
        {
            Assert.Equal(d.Class == DatasetClass.Personal, d.SubjectField is not null);
            if (d.SubjectField is not null)
            {
                Assert.Contains(d.Table.Fields, f => f.Name == d.SubjectField && f.Required);
            }
        });
    }

    [Fact]
    public void Public_data_is_cc_by_and_the_rest_is_proprietary()
    {
        Assert.All(SampleCity.Datasets, d =>
            Assert.Equal(d.Class == DatasetClass.Public ? "CC-BY-4.0" : "proprietary", d.Licence));
    }

    [Fact]
    public void Public_data_is_offered_free_with_automatic_approval()
    {
        var publicIds = SampleCity.Datasets.Where(d => d.Class == DatasetClass.Public).Select(d => d.Id).ToHashSet();

        Assert.All(SampleCity.Offerings.Where(o => publicIds.Contains(o.DatasetId)), o =>
        {
            Assert.Equal(PriceModel.Free, o.Pricing.Model);
            Assert.False(o.ProviderApproves);
        });
    }

    [Fact]
    public void Every_offering_sells_a_dataset_of_the_city_under_a_unique_id()
    {
        Assert.All(SampleCity.Offerings, o => Assert.Contains(SampleCity.Datasets, d => d.Id == o.DatasetId));
        Assert.Equal(SampleCity.Offerings.Count, SampleCity.Offerings.Select(o => o.Id).Distinct().Count());
    }

    [Fact]
    public void Every_subscription_is_a_buyer_asking_for_a_purpose_its_offering_allows()
    {
        Assert.All(SampleCity.Subscriptions, s =>
        {
            Assert.Equal(PartyRole.Buyer, SampleCity.Party(s.BuyerId).Role);
            Assert.Contains(s.Purpose, SampleCity.Offering(s.OfferingId).Purposes);
        });
    }

    [Fact]
    public void Every_party_exports_its_key_under_its_own_variable()
    {
        var variables = SampleCity.Parties.Select(p => p.KeyVariable).Prepend(SampleCity.OperatorKeyVariable).ToList();

        Assert.Equal(variables.Count, variables.Distinct().Count());
    }
}
