using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Host.Tests;

/// <summary>Request bodies with empty list entries or terms past their bounds are a 400 naming the field, never a 500.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class RequestBoundsTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    [Theory]
    [InlineData("schema", "fields", "schema.fields[0] is empty")]
    [InlineData(null, "keywords", "keywords[0] is empty")]
    [InlineData(null, "themes", "themes[0] is empty")]
    public async Task A_null_entry_in_a_dataset_list_is_a_400_naming_it(string? parent, string list, string expected)
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var body = JsonSerializerNode(MarketplaceDriver.BusStopsDataset(MarketplaceDriver.UniqueId("ds")));
        (parent is null ? body : body[parent]!.AsObject())[list] = new JsonArray((JsonNode?)null);

        var problem = await MarketplaceDriver.Problem(await provider.Client.PostAsJsonAsync("/api/v1/datasets", body), HttpStatusCode.BadRequest);

        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pricing", "tiers", "pricing.tiers[0] is empty")]
    [InlineData(null, "buyers", "buyers[0] is empty")]
    [InlineData("policy", "purposes", "policy.purposes[0] is empty")]
    public async Task A_null_entry_in_an_offering_list_is_a_400_naming_it(string? parent, string list, string expected)
    {
        var listing = await _driver.ListedOfferingAsync(records: 1);
        var body = new JsonObject
        {
            ["id"] = MarketplaceDriver.UniqueId("off"),
            ["datasetId"] = listing.DatasetId,
            ["pricing"] = new JsonObject { ["model"] = "tiered", ["currency"] = "JPY", ["unit"] = "record", ["tiers"] = new JsonArray(new JsonObject { ["unitPrice"] = 1 }) },
            ["policy"] = new JsonObject { ["purposes"] = new JsonArray("research") },
            ["visibility"] = "private",
            ["buyers"] = new JsonArray("buyer-1"),
        };
        (parent is null ? body : body[parent]!.AsObject())[list] = new JsonArray((JsonNode?)null);

        var problem = await MarketplaceDriver.Problem(await listing.Provider.Client.PostAsJsonAsync("/api/v1/offerings", body), HttpStatusCode.BadRequest);

        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_term_of_int_max_days_is_refused_when_offered()
    {
        var listing = await _driver.ListedOfferingAsync(records: 1);

        var problem = await MarketplaceDriver.Problem(await listing.Provider.Client.PostAsJsonAsync("/api/v1/offerings", new
        {
            id = MarketplaceDriver.UniqueId("off"),
            datasetId = listing.DatasetId,
            pricing = new { model = "free", currency = "JPY" },
            policy = new { termDays = int.MaxValue },
        }), HttpStatusCode.BadRequest);

        Assert.Equal("policy.invalid-term", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_over_long_dataset_title_is_a_400()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var body = JsonSerializerNode(MarketplaceDriver.BusStopsDataset(MarketplaceDriver.UniqueId("ds")));
        body["title"] = new string('t', 201);

        var problem = await MarketplaceDriver.Problem(await provider.Client.PostAsJsonAsync("/api/v1/datasets", body), HttpStatusCode.BadRequest);

        Assert.Contains("200", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_over_long_reason_for_a_contract_action_is_a_400()
    {
        var listing = await _driver.ListedOfferingAsync(records: 1);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var problem = await MarketplaceDriver.Problem(
            await buyer.Client.PostAsJsonAsync($"/api/v1/contracts/{contract.Id}/terminate", new { reason = new string('r', 1_001) }),
            HttpStatusCode.BadRequest);

        Assert.Contains("1,000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_answers_an_empty_page_with_a_cursor_until_the_revision_ends()
    {
        var listing = await _driver.ListedOfferingAsync(records: Marketplace.Storage.RecordScan.DefaultMaxRows + 1);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var url = $"/api/v1/contracts/{contract.Id}/records?district=nowhere&limit=10";

        var first = await Page(buyer.Client, url);
        var cursor = first.GetProperty("nextCursor").GetString();
        Assert.NotNull(cursor);
        var second = await Page(buyer.Client, $"{url}&cursor={cursor}");

        Assert.Equal(0, first.GetProperty("count").GetInt32());
        Assert.Equal(0, first.GetProperty("unitsMetered").GetInt64());
        Assert.Equal(0, second.GetProperty("count").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    private static async Task<System.Text.Json.JsonElement> Page(HttpClient client, string url) =>
        await MarketplaceDriver.Ok<System.Text.Json.JsonElement>(await client.GetAsync(url), HttpStatusCode.OK);

    private static JsonObject JsonSerializerNode(object value) =>
        System.Text.Json.JsonSerializer.SerializeToNode(value, MarketplaceDriver.Json)!.AsObject();
}
