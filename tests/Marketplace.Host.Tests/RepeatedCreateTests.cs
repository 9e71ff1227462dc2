using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Parties;

namespace Marketplace.Host.Tests;

/// <summary>
/// A create repeated with the same id and the same content (a retry whose first answer was lost) answers as the first
/// time did: 201 with the same resource. The same id with other content, or from another party, is still a 409.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class RepeatedCreateTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    [Fact]
    public async Task A_dataset_created_again_with_the_same_definition_answers_201_with_the_same_dataset()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var dataset = MarketplaceDriver.BusStopsDataset(MarketplaceDriver.UniqueId("ds"), "private");

        using var first = await provider.Client.PostAsJsonAsync("/api/v1/datasets", dataset);
        using var again = await provider.Client.PostAsJsonAsync("/api/v1/datasets", dataset);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, again.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
    }

    [Fact]
    public async Task A_dataset_id_taken_with_another_definition_or_by_another_provider_is_409()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var other = await _driver.CreatePartyAsync("provider");
        var id = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(id, "private"));

        var changed = await MarketplaceDriver.Problem(
            await provider.Client.PostAsJsonAsync("/api/v1/datasets", MarketplaceDriver.BusStopsDataset(id, "public")), HttpStatusCode.Conflict);
        var taken = await MarketplaceDriver.Problem(
            await other.Client.PostAsJsonAsync("/api/v1/datasets", MarketplaceDriver.BusStopsDataset(id, "private")), HttpStatusCode.Conflict);

        Assert.Equal(("dataset.exists", "dataset.exists"), (changed.GetProperty("code").GetString(), taken.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task An_offering_created_again_with_the_same_definition_answers_201_and_with_another_409()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        object Offering(string id, int amount) => new
        {
            id,
            datasetId = listing.DatasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount, unit = "record" },
            policy = new { purposes = new[] { "research" } },
            visibility = "public",
            buyers = Array.Empty<string>(),
            approval = "automatic",
        };
        var id = MarketplaceDriver.UniqueId("off");

        using var first = await listing.Provider.Client.PostAsJsonAsync("/api/v1/offerings", Offering(id, 2));
        using var again = await listing.Provider.Client.PostAsJsonAsync("/api/v1/offerings", Offering(id, 2));
        var changed = await MarketplaceDriver.Problem(
            await listing.Provider.Client.PostAsJsonAsync("/api/v1/offerings", Offering(id, 3)), HttpStatusCode.Conflict);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, again.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("offering.exists", changed.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_party_registered_again_with_the_same_role_and_name_answers_201_with_another_working_key()
    {
        var id = MarketplaceDriver.UniqueId("buyer");
        var party = new { id, role = "buyer", name = "Repeated buyer" };

        var first = await MarketplaceDriver.Ok<PartyWithKeyResponse>(await _driver.Operator.PostAsJsonAsync("/api/v1/parties", party), HttpStatusCode.Created);
        var again = await MarketplaceDriver.Ok<PartyWithKeyResponse>(await _driver.Operator.PostAsJsonAsync("/api/v1/parties", party), HttpStatusCode.Created);
        var renamed = await MarketplaceDriver.Problem(
            await _driver.Operator.PostAsJsonAsync("/api/v1/parties", new { id, role = "buyer", name = "Another buyer" }), HttpStatusCode.Conflict);

        Assert.Equal(first with { ApiKey = "" }, again with { ApiKey = "" });
        Assert.NotEqual(first.ApiKey, again.ApiKey);
        foreach (var key in new[] { first.ApiKey, again.ApiKey })
        {
            using var me = await fixture.Factory.ClientWithKey(key).GetAsync("/api/v1/parties/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }
        Assert.Equal("party.exists", renamed.GetProperty("code").GetString());
    }
}
