using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Domain.Harvest;
using Marketplace.Host.Features.Harvest;

namespace Marketplace.Host.Tests.Federation;

/// <summary>
/// City A harvests city B, two marketplaces in two processes, through both kinds of source (B's CKAN API and its
/// DCAT-AP Turtle): B's listings appear in A's catalog, CKAN and DCAT marked with their origin; B changes one and
/// delists another and A follows on its next harvest, duplicating nothing; a third harvest finds nothing changed.
/// </summary>
public sealed class HarvestTests(HarvestCities cities) : IClassFixture<HarvestCities>
{
    [Theory]
    [InlineData("ckan")]
    [InlineData("dcat")]
    public async Task A_city_harvests_another_and_follows_its_updates_and_withdrawals(string kind)
    {
        var word = MarketplaceDriver.UniqueId(kind);
        var provider = await cities.CityB.CreatePartyAsync("provider");
        var offerings = new List<string>();
        foreach (var name in new[] { "Bus stops", "Bicycle racks", "Taxi stands" })
        {
            var datasetId = MarketplaceDriver.UniqueId("ds");
            await cities.CityB.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(datasetId, "public"));
            await MarketplaceDriver.UploadCsvAsync(provider, datasetId, MarketplaceDriver.BusStopsCsv(3));
            var offeringId = MarketplaceDriver.UniqueId("off");
            await MarketplaceDriver.CreateOfferingAsync(provider, new
            {
                id = offeringId,
                datasetId,
                title = $"{name} {word}",
                description = $"{name} of city B.",
                pricing = new { model = "free", currency = "JPY" },
                visibility = "public",
                approval = "automatic",
            });
            await MarketplaceDriver.PublishAsync(provider, offeringId);
            offerings.Add(offeringId);
        }
        using var a = cities.CityA.Operator;
        var url = kind == "ckan" ? $"{cities.B.BaseAddress.ToString().TrimEnd('/')}/api/3/action" : $"{cities.B.BaseAddress.ToString().TrimEnd('/')}/catalog.ttl";
        var source = await MarketplaceDriver.Ok<HarvestSourceResponse>(
            await a.PostAsJsonAsync("/api/v1/harvest-sources", new { name = "City B", kind, url, schedule = "hourly", publisher = "City B open data" }), HttpStatusCode.Created);

        var first = await RunAsync(a, source.Id);

        Assert.Equal((0, 0, 0, 0), (first.Updated, first.Unchanged, first.Withdrawn, first.ErrorCount));
        Assert.True(first.Created >= 3, $"created {first.Created}");
        var listed = await SearchAsync(a, word, source.Id);
        Assert.Equal(3, listed.GetProperty("total").GetInt32());
        var harvestedId = HarvestMapping.OfferingId(source.Id, kind == "ckan" ? offerings[0] : offerings[0]);
        var origin = (await MarketplaceDriver.Ok<JsonElement>(await a.GetAsync($"/api/v1/offerings/{harvestedId}"), HttpStatusCode.OK)).GetProperty("origin");
        Assert.Equal("City B", origin.GetProperty("sourceName").GetString());
        Assert.Equal($"{cities.B.BaseAddress.ToString().TrimEnd('/')}/offerings/{offerings[0]}", origin.GetProperty("sourceLink").GetString());
        Assert.StartsWith(cities.B.BaseAddress.ToString().TrimEnd('/'), origin.GetProperty("resources")[0].GetProperty("url").GetString(), StringComparison.Ordinal);
        var package = await MarketplaceDriver.Ok<JsonElement>(await a.GetAsync($"/api/3/action/package_show?id={harvestedId}"), HttpStatusCode.OK);
        Assert.Contains(package.GetProperty("result").GetProperty("extras").EnumerateArray(),
            e => e.GetProperty("key").GetString() == "harvest_source_id" && e.GetProperty("value").GetString() == source.Id);
        var dcat = await a.GetStringAsync("/catalog.ttl");
        Assert.Contains($"dct:source <{cities.B.BaseAddress.ToString().TrimEnd('/')}/offerings/{offerings[0]}>", dcat, StringComparison.Ordinal);
        var page = await a.GetStringAsync($"/offerings/{harvestedId}");
        Assert.Contains("harvested-from", page, StringComparison.Ordinal);

        await ReviseTitleAsync(provider, offerings[1], $"Bicycle parking {word}");
        await MarketplaceDriver.Ok<JsonElement>(await provider.Client.PostAsync($"/api/v1/offerings/{offerings[2]}/delist", null), HttpStatusCode.OK);
        var second = await RunAsync(a, source.Id);

        Assert.Equal((0, 1, 1, 0), (second.Created, second.Updated, second.Withdrawn, second.ErrorCount));
        var now = await SearchAsync(a, word, source.Id);
        Assert.Equal(2, now.GetProperty("total").GetInt32());
        Assert.Contains(now.GetProperty("items").EnumerateArray(), i => i.GetProperty("title").GetString() == $"Bicycle parking {word}");
        Assert.DoesNotContain(now.GetProperty("items").EnumerateArray(), i => i.GetProperty("title").GetString()!.StartsWith("Taxi", StringComparison.Ordinal));

        var third = await RunAsync(a, source.Id);

        Assert.Equal((0, 0, 0, 0), (third.Created, third.Updated, third.Withdrawn, third.ErrorCount));
        Assert.Equal(third.Found, third.Unchanged);
        Assert.Equal(2, (await SearchAsync(a, word, source.Id)).GetProperty("total").GetInt32());
    }

    private static async Task<HarvestRunResponse> RunAsync(HttpClient client, string sourceId) =>
        await MarketplaceDriver.Ok<HarvestRunResponse>(await client.PostAsync($"/api/v1/harvest-sources/{sourceId}/harvest", null), HttpStatusCode.OK);

    private static async Task<JsonElement> SearchAsync(HttpClient client, string word, string providerId) =>
        await MarketplaceDriver.Ok<JsonElement>(await client.GetAsync($"/api/v1/catalog?q={Uri.EscapeDataString(word)}&provider={providerId}"), HttpStatusCode.OK);

    private static async Task ReviseTitleAsync(Party provider, string offeringId, string title)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/offerings/{offeringId}")
        {
            Content = JsonContent.Create(new
            {
                title,
                description = "Renamed at the source.",
                pricing = new { model = "free", currency = "JPY" },
                policy = new { purposes = Array.Empty<string>() },
                visibility = "public",
                buyers = Array.Empty<string>(),
                approval = "automatic",
            }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        await MarketplaceDriver.Ok<JsonElement>(await provider.Client.SendAsync(request), HttpStatusCode.OK);
    }
}
