using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Host.Features.Datasets;

namespace Marketplace.Host.Tests;

/// <summary>Bad input gets a 4xx ProblemDetails a person can act on, never a 500, and nothing half-written.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class BadInputTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    [Fact]
    public async Task Malformed_json_is_a_400_that_says_where()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        using var content = new StringContent("{ \"id\": \"abc\", \"class\": ", Encoding.UTF8, "application/json");

        var problem = await MarketplaceDriver.Problem(await provider.Client.PostAsync("/api/v1/datasets", content), HttpStatusCode.BadRequest);

        Assert.Contains("JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_price_tier_without_its_unit_price_is_refused_not_taken_as_free()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(datasetId));

        var problem = await MarketplaceDriver.Problem(await provider.Client.PostAsJsonAsync("/api/v1/offerings", new
        {
            datasetId,
            pricing = new { model = "tiered", currency = "JPY", unit = "record", tiers = new object[] { new { upTo = 400, unitPrice = 2 }, new { amount = 1 } } },
        }), HttpStatusCode.BadRequest);

        Assert.Contains("tier 2", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_dataset_class_lists_the_choices()
    {
        var provider = await _driver.CreatePartyAsync("provider");

        var problem = await MarketplaceDriver.Problem(
            await provider.Client.PostAsJsonAsync("/api/v1/datasets", MarketplaceDriver.BusStopsDataset("ds-bad-class", "secret")),
            HttpStatusCode.BadRequest);

        Assert.Contains("public, private, personal", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");

        await MarketplaceDriver.Problem(await buyer.Client.GetAsync("/api/v1/offerings/no-such-offering"), HttpStatusCode.NotFound);
        await MarketplaceDriver.Problem(await buyer.Client.GetAsync("/api/v1/contracts/no-such-contract/records"), HttpStatusCode.NotFound);
        await MarketplaceDriver.Problem(await buyer.Client.PostAsJsonAsync("/api/v1/offerings/nope/contracts", new { purpose = "research" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Illegal_state_transitions_are_409()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        await buyer.Client.PostAsync($"/api/v1/contracts/{contract.Id}/terminate", null);

        var problem = await MarketplaceDriver.Problem(
            await listing.Provider.Client.PostAsync($"/api/v1/contracts/{contract.Id}/resume", null), HttpStatusCode.Conflict);

        Assert.Equal("contract.illegal-transition", problem.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("per-unit", "JPY", -5)]
    [InlineData("flat", "JPY", -1)]
    [InlineData("per-unit", "XYZ", 5)]
    public async Task Negative_prices_and_unknown_currencies_are_refused(string model, string currency, long amount)
    {
        var listing = await _driver.ListedOfferingAsync(records: 1);

        await MarketplaceDriver.Problem(await listing.Provider.Client.PostAsJsonAsync("/api/v1/offerings", new
        {
            id = MarketplaceDriver.UniqueId("off"),
            datasetId = listing.DatasetId,
            pricing = new { model, currency, amount, unit = "record" },
        }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Csv_rows_that_do_not_fit_are_listed_by_line_and_nothing_is_stored()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var id = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(id));
        var csv = "stop_id,name,district,lat\nS1,One,east,35.1\nS2,Two,west,not-a-number\nS3,,east,35.3\nS4,Four,west,35.4\n";
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");

        var problem = await MarketplaceDriver.Problem(
            await provider.Client.PostAsync($"/api/v1/datasets/{id}/revisions", content), HttpStatusCode.UnprocessableEntity);
        var dataset = await MarketplaceDriver.Ok<DatasetResponse>(await provider.Client.GetAsync($"/api/v1/datasets/{id}"), HttpStatusCode.OK);

        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(errors, e => e.Contains("line 3", StringComparison.Ordinal) && e.Contains("lat", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("line 4", StringComparison.Ordinal) && e.Contains("name", StringComparison.Ordinal));
        Assert.Empty(dataset.Revisions);
    }

    [Fact]
    public async Task Uploads_in_another_format_are_415()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var id = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(id));
        using var content = new StringContent("<xml/>", Encoding.UTF8, "application/xml");

        await MarketplaceDriver.Problem(await provider.Client.PostAsync($"/api/v1/datasets/{id}/revisions", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Bad_cursors_limits_and_filters_are_400()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var url = $"/api/v1/contracts/{contract.Id}/records";

        var cursor = await MarketplaceDriver.Problem(await buyer.Client.GetAsync($"{url}?cursor=garbage!!"), HttpStatusCode.BadRequest);
        await MarketplaceDriver.Problem(await buyer.Client.GetAsync($"{url}?limit=0"), HttpStatusCode.BadRequest);
        await MarketplaceDriver.Problem(await buyer.Client.GetAsync($"{url}?limit=abc"), HttpStatusCode.BadRequest);
        var filter = await MarketplaceDriver.Problem(await buyer.Client.GetAsync($"{url}?colour=red"), HttpStatusCode.BadRequest);

        Assert.Contains("cursor", cursor.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("stop_id", filter.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_purpose_the_offering_does_not_permit_is_refused_with_the_permitted_ones()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var buyer = await _driver.CreatePartyAsync("buyer");

        var problem = await MarketplaceDriver.Problem(
            await buyer.Client.PostAsJsonAsync($"/api/v1/offerings/{listing.OfferingId}/contracts", new { purpose = "marketing" }),
            HttpStatusCode.BadRequest);

        Assert.Contains("research", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_and_wrong_keys_are_401_with_how_to_authenticate()
    {
        var anonymous = fixture.Factory.CreateClient();
        var wrong = fixture.Factory.ClientWithKey("not-a-key");

        var missing = await MarketplaceDriver.Problem(await anonymous.GetAsync("/api/v1/contracts"), HttpStatusCode.Unauthorized);
        await MarketplaceDriver.Problem(await wrong.GetAsync("/api/v1/contracts"), HttpStatusCode.Unauthorized);

        Assert.Contains("Bearer", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_on_the_catalog_that_is_open_to_anyone_is_401_not_an_anonymous_answer()
    {
        var wrong = fixture.Factory.ClientWithKey("not-a-key");

        await MarketplaceDriver.Problem(await wrong.GetAsync("/api/v1/catalog"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_second_subscription_for_the_same_purpose_is_409_naming_the_first()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var first = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var problem = await MarketplaceDriver.Problem(
            await buyer.Client.PostAsJsonAsync($"/api/v1/offerings/{listing.OfferingId}/contracts", new { purpose = "research" }),
            HttpStatusCode.Conflict);

        Assert.Contains(first.Id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_data_cannot_be_priced()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var id = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(id, "public"));

        var problem = await MarketplaceDriver.Problem(await provider.Client.PostAsJsonAsync("/api/v1/offerings", new
        {
            datasetId = id,
            pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
        }), HttpStatusCode.BadRequest);

        Assert.Equal("offering.public-must-be-free", problem.GetProperty("code").GetString());
    }
}

/// <summary>Oversize uploads need a host with a small limit of their own.</summary>
public sealed class UploadLimitTests : IAsyncLifetime
{
    private readonly MarketplaceFactory _factory = new(maxUploadBytes: 1_000);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task An_upload_over_the_limit_is_413_and_stores_nothing()
    {
        var driver = new MarketplaceDriver(_factory);
        var provider = await driver.CreatePartyAsync("provider");
        var id = MarketplaceDriver.UniqueId("ds");
        await driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(id));
        using var content = new StringContent(MarketplaceDriver.BusStopsCsv(500), Encoding.UTF8, "text/csv");

        await MarketplaceDriver.Problem(await provider.Client.PostAsync($"/api/v1/datasets/{id}/revisions", content), HttpStatusCode.RequestEntityTooLarge);
        var dataset = await MarketplaceDriver.Ok<DatasetResponse>(await provider.Client.GetAsync($"/api/v1/datasets/{id}"), HttpStatusCode.OK);

        Assert.Empty(dataset.Revisions);
    }
}
