using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Catalog;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Offerings;

namespace Marketplace.Host.Tests;

/// <summary>
/// Editing an offering's terms with PUT: the owner replaces them under optimistic concurrency (ETag / If-Match),
/// the checks are those of create, contracts keep the terms they were made under, and the catalog follows.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OfferingTermsTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private static object Terms(long pricePerRecord = 2, string title = "Bus stops by the record", string visibility = "public",
        string[]? buyers = null, bool? preview = null, string? datasetId = null) => new
    {
        datasetId,
        title,
        description = "Every stop, priced by the record.",
        pricing = new { model = "per-unit", currency = "JPY", amount = pricePerRecord, unit = "record" },
        policy = new { purposes = new[] { "research" } },
        visibility,
        buyers = buyers ?? [],
        approval = "automatic",
        preview,
    };

    private static async Task<(OfferingResponse Offering, string ETag)> GetAsync(Party caller, string offeringId)
    {
        var response = await caller.Client.GetAsync($"/api/v1/offerings/{offeringId}");
        var offering = await MarketplaceDriver.Ok<OfferingResponse>(response, HttpStatusCode.OK);
        return (offering, response.Headers.ETag!.ToString());
    }

    private static Task<HttpResponseMessage> PutAsync(Party caller, string offeringId, object terms, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/offerings/{offeringId}") { Content = JsonContent.Create(terms) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return caller.Client.SendAsync(request);
    }

    [Fact]
    public async Task Get_answers_the_offerings_version_as_a_strong_etag()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);

        var (offering, etag) = await GetAsync(listing.Provider, listing.OfferingId);

        Assert.Equal($"\"{offering.Version}\"", etag);
        Assert.Equal(2, offering.Version); // created, then published
    }

    [Fact]
    public async Task The_owner_replaces_the_terms_with_the_etag_it_read_and_gets_the_next_version()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var (before, etag) = await GetAsync(listing.Provider, listing.OfferingId);

        var response = await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 5, title: "Stops, revised"), etag);
        var revised = await MarketplaceDriver.Ok<OfferingResponse>(response, HttpStatusCode.OK);

        Assert.Equal(("Stops, revised", 5L, before.Version + 1), (revised.Title, revised.Pricing.Amount!.Value, revised.Version));
        Assert.Equal($"\"{before.Version + 1}\"", response.Headers.ETag!.ToString());
        Assert.Equal(("Stops, revised", "listed"), ((await GetAsync(listing.Provider, listing.OfferingId)).Offering.Title, revised.Status));
    }

    [Fact]
    public async Task A_put_without_if_match_is_refused_with_428_and_changes_nothing()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);

        var problem = await MarketplaceDriver.Problem(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 9), null), (HttpStatusCode)428);

        Assert.Equal("offering.version-required", problem.GetProperty("code").GetString());
        Assert.Contains("If-Match", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await GetAsync(listing.Provider, listing.OfferingId)).Offering.Pricing.Amount);
    }

    [Fact]
    public async Task A_put_with_a_stale_etag_is_refused_with_412_and_keeps_the_other_change()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var (_, read) = await GetAsync(listing.Provider, listing.OfferingId);
        await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 3), read), HttpStatusCode.OK);

        var problem = await MarketplaceDriver.Problem(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 7), read), HttpStatusCode.PreconditionFailed);

        Assert.Equal("offering.version-stale", problem.GetProperty("code").GetString());
        Assert.Equal(3, (await GetAsync(listing.Provider, listing.OfferingId)).Offering.Pricing.Amount);
    }

    [Theory]
    [InlineData("W/\"2\"")]
    [InlineData("\"v2\"")]
    [InlineData("2")]
    [InlineData("\"1\", \"2\"")]
    public async Task An_if_match_that_names_no_single_strong_version_cannot_match(string ifMatch)
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);

        var problem = await MarketplaceDriver.Problem(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 7), ifMatch), HttpStatusCode.PreconditionFailed);

        Assert.Equal("offering.version-stale", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task If_match_star_replaces_whatever_version_is_stored()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);

        var revised = await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 4), "*"), HttpStatusCode.OK);

        Assert.Equal(4, revised.Pricing.Amount);
    }

    [Fact]
    public async Task Repeating_a_put_whose_answer_was_lost_is_harmless_even_with_its_now_stale_etag()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var (_, read) = await GetAsync(listing.Provider, listing.OfferingId);
        var first = await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 6), read), HttpStatusCode.OK);

        var again = await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 6), read), HttpStatusCode.OK);

        Assert.Equal((first.Version, first.UpdatedAt, 6L), (again.Version, again.UpdatedAt, again.Pricing.Amount!.Value));
    }

    [Fact]
    public async Task Another_provider_gets_404_as_if_the_offering_did_not_exist()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var other = await _driver.CreatePartyAsync("provider");

        var problem = await MarketplaceDriver.Problem(await PutAsync(other, listing.OfferingId, Terms(pricePerRecord: 1), "*"), HttpStatusCode.NotFound);

        Assert.Equal("offering.not-found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_buyer_may_not_edit_an_offering()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var buyer = await _driver.CreatePartyAsync("buyer");

        await MarketplaceDriver.Problem(await PutAsync(buyer, listing.OfferingId, Terms(pricePerRecord: 1), "*"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_operator_may_edit_any_offering()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var operatorParty = new Party("operator", "", _driver.Operator);

        var revised = await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(operatorParty, listing.OfferingId, Terms(title: "Checked by the city"), "*"), HttpStatusCode.OK);

        Assert.Equal("Checked by the city", revised.Title);
    }

    [Fact]
    public async Task The_dataset_of_an_offering_cannot_change()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var otherDataset = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(listing.Provider, MarketplaceDriver.BusStopsDataset(otherDataset, "private"));

        var problem = await MarketplaceDriver.Problem(await PutAsync(listing.Provider, listing.OfferingId, Terms(datasetId: otherDataset), "*"), HttpStatusCode.BadRequest);

        Assert.Equal("offering.dataset-fixed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_terms_are_checked_as_on_create_public_data_stays_free()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2, cls: "public", pricing: new { model = "free", currency = "JPY" });

        var problem = await MarketplaceDriver.Problem(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 2), "*"), HttpStatusCode.BadRequest);

        Assert.Equal("offering.public-must-be-free", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_put_that_leaves_out_the_pricing_is_refused_rather_than_making_the_offering_free()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);

        var problem = await MarketplaceDriver.Problem(
            await PutAsync(listing.Provider, listing.OfferingId, new { title = "x", policy = new { purposes = Array.Empty<string>() }, visibility = "public", approval = "automatic" }, "*"),
            HttpStatusCode.BadRequest);

        Assert.Equal("pricing.invalid", problem.GetProperty("code").GetString());
        Assert.Equal(2, (await GetAsync(listing.Provider, listing.OfferingId)).Offering.Pricing.Amount);
    }

    [Fact]
    public async Task An_existing_contract_keeps_its_terms_and_a_new_subscription_gets_the_new_ones()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var earlier = await MarketplaceDriver.SubscribeAsync(await _driver.CreatePartyAsync("buyer"), listing.OfferingId, "research");

        await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 9), "*"), HttpStatusCode.OK);
        var later = await MarketplaceDriver.SubscribeAsync(await _driver.CreatePartyAsync("buyer"), listing.OfferingId, "research");
        var earlierNow = await MarketplaceDriver.Ok<ContractResponse>(await listing.Provider.Client.GetAsync($"/api/v1/contracts/{earlier.Id}"), HttpStatusCode.OK);

        Assert.Equal((2L, 9L), (earlierNow.Pricing.Amount!.Value, later.Pricing.Amount!.Value));
    }

    [Fact]
    public async Task The_catalog_follows_the_new_title_and_price_of_a_listed_offering()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);

        await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(listing.Provider, listing.OfferingId, Terms(pricePerRecord: 8, title: "Stops, now ¥8"), "*"), HttpStatusCode.OK);
        var catalog = await MarketplaceDriver.Ok<CatalogResponse>(await _driver.Operator.GetAsync($"/api/v1/catalog?provider={listing.Provider.Id}"), HttpStatusCode.OK);

        var item = Assert.Single(catalog.Items);
        Assert.Equal(("Stops, now ¥8", 8L), (item.Title, item.PriceMinor));
    }

    [Fact]
    public async Task Made_private_to_named_buyers_a_listed_offering_leaves_the_public_catalog()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var named = await _driver.CreatePartyAsync("buyer");

        await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(listing.Provider, listing.OfferingId, Terms(visibility: "private", buyers: [named.Id]), "*"), HttpStatusCode.OK);

        var anonymous = await MarketplaceDriver.Ok<CatalogResponse>(await fixture.Factory.CreateClient().GetAsync($"/api/v1/catalog?provider={listing.Provider.Id}"), HttpStatusCode.OK);
        var buyers = await MarketplaceDriver.Ok<CatalogResponse>(await named.Client.GetAsync($"/api/v1/catalog?provider={listing.Provider.Id}"), HttpStatusCode.OK);
        Assert.Equal((0, 1), (anonymous.Items.Count, buyers.Items.Count));
    }

    [Fact]
    public async Task A_draft_can_be_edited_and_stays_out_of_the_catalog()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var draft = await MarketplaceDriver.CreateOfferingAsync(listing.Provider, new
        {
            id = MarketplaceDriver.UniqueId("off"),
            datasetId = listing.DatasetId,
            pricing = new { model = "free", currency = "JPY" },
        });

        var revised = await MarketplaceDriver.Ok<OfferingResponse>(await PutAsync(listing.Provider, draft.Id, Terms(title: "Still a draft"), "\"1\""), HttpStatusCode.OK);
        var catalog = await MarketplaceDriver.Ok<CatalogResponse>(await _driver.Operator.GetAsync($"/api/v1/catalog?provider={listing.Provider.Id}"), HttpStatusCode.OK);

        Assert.Equal(("draft", 2L), (revised.Status, revised.Version));
        Assert.DoesNotContain(catalog.Items, i => i.OfferingId == draft.Id);
    }
}
