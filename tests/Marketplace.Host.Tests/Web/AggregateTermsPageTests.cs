using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Host.Tests.Web;

/// <summary>An offering page states its aggregate terms and its prices by purpose.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class AggregateTermsPageTests(MarketplaceFixture fixture)
{
    private async Task<string> PageAsync(string offeringId, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/offerings/{offeringId}");
        request.Headers.AcceptLanguage.ParseAdd(language);
        var client = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        return await (await client.SendAsync(request)).Content.ReadAsStringAsync();
    }

    private Task<Listing> StatisticsAsync() => fixture.Driver.ListedOfferingAsync(records: 3,
        pricing: new { model = "per-unit", currency = "JPY", amount = 300, unit = "request" },
        policy: new { purposes = new[] { "city-planning", "commercial-marketing" }, aggregates = new { dimensions = new[] { "district" }, k = 10, roundingStep = 10 } });

    [Fact]
    public async Task An_aggregate_only_offering_page_says_no_record_leaves_and_states_k_and_the_rounding()
    {
        var listing = await StatisticsAsync();

        var html = await PageAsync(listing.OfferingId, "en");

        Assert.Contains("Aggregates only: no record leaves under a contract", html, StringComparison.Ordinal);
        Assert.Contains("Groups of fewer than 10 people are suppressed.", html, StringComparison.Ordinal);
        Assert.Contains("Counts are rounded to multiples of 10; sums are withheld.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_offering_page_lists_its_prices_by_purpose_in_japanese()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(datasetId, "private"));
        await MarketplaceDriver.UploadCsvAsync(provider, datasetId, MarketplaceDriver.BusStopsCsv(3));
        var offering = await MarketplaceDriver.CreateOfferingAsync(provider, new
        {
            datasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 2, unit = "record" },
            policy = new { purposes = new[] { "city-planning", "commercial-marketing" } },
            purposePrices = new[] { new { purpose = "city-planning", pricing = new { model = "free", currency = "JPY" } } },
        });
        await MarketplaceDriver.PublishAsync(provider, offering.Id);

        var html = await PageAsync(offering.Id, "ja");

        Assert.Contains("<caption id=\"aggregate-prices-caption\">利用目的別の価格</caption>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\"><code>city-planning</code></th>", html, StringComparison.Ordinal);
        Assert.Contains("その他の目的", html, StringComparison.Ordinal);
    }
}
