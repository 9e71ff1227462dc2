using Marketplace.Host.Tests;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// A provider makes an aggregate-only offering with a free price for city planning on the console's form: a dimension
/// that is no field is refused with what was typed kept; fixed, the offering's page and, once listed, its catalog page
/// show both terms. Every page on the way passes the page checks.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class OfferingStatisticsJourneyTests(WebMarketplaceFixture fixture)
{
    [Fact]
    public async Task A_provider_sets_statistics_only_terms_and_a_price_by_purpose_on_the_form_and_sees_them_on_the_offering()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(datasetId, "private"));
        await MarketplaceDriver.UploadCsvAsync(provider, datasetId, MarketplaceDriver.BusStopsCsv(3));
        await using var visitor = await fixture.SignInAsync(provider);
        var checks = new PageChecks(fixture);
        var page = visitor.Page;
        var offeringId = MarketplaceDriver.UniqueId("off");

        await visitor.OpenPageAsync("/console/provider/offerings/new");
        await page.Locator("#offering-dataset").SelectOptionAsync(datasetId);
        await page.GetByLabel("Offering id (optional)").FillAsync(offeringId);
        await page.Locator("#offering-model").SelectOptionAsync("per-unit");
        await page.GetByLabel("Price in yen").First.FillAsync("300");
        await page.Locator("#offering-unit").SelectOptionAsync("request");
        await page.GetByLabel("Permitted purposes (optional)").FillAsync("city-planning, commercial-marketing");
        await page.GetByLabel("Fields buyers may group by").FillAsync("district, ward");
        await page.GetByLabel("Smallest group published (k)").FillAsync("10");
        await page.GetByLabel("Round counts to a multiple of (optional)").FillAsync("10");
        var firstPrice = page.GetByRole(AriaRole.Group, new() { Name = "Price by purpose 1" });
        await firstPrice.GetByLabel("Purpose").FillAsync("city-planning");
        await firstPrice.GetByLabel("Price model").SelectOptionAsync("free");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the offering" }).ClickAsync();
        await page.Locator("#offering-error").WaitForAsync();

        Assert.Contains("'ward' is not a field of the dataset", await page.Locator("#offering-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("district, ward", await page.GetByLabel("Fields buyers may group by").InputValueAsync());
        Assert.Equal("city-planning", await firstPrice.GetByLabel("Purpose").InputValueAsync());
        Assert.Equal("per-unit", await page.Locator("#offering-model").InputValueAsync());
        // The refused form itself (the checks below open the address afresh, so they see it empty).
        Assert.Empty(await visitor.InspectAsync(Visitor.Narrow));
        Assert.Empty(await visitor.InspectAsync(Visitor.Desktop));
        await checks.AssertSoundAsync(visitor, "console-provider-new-offering-statistics");

        await page.GetByLabel("Fields buyers may group by").FillAsync("district");
        await Visitor.FollowAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Create the offering" }), $"/console/provider/offerings/{offeringId}");
        var statistics = page.Locator("section[aria-labelledby=aggregate-heading]");
        Assert.Contains("Groups of fewer than 10 people are suppressed.", await statistics.InnerTextAsync(), StringComparison.Ordinal);
        var prices = page.Locator("table.purpose-prices");
        Assert.Contains("city-planning", await prices.InnerTextAsync(), StringComparison.Ordinal);
        await checks.AssertSoundAsync(visitor, "console-provider-offering-statistics");

        await Visitor.FollowAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Edit the terms" }), "/edit");
        Assert.Equal("10", await page.GetByLabel("Smallest group published (k)").InputValueAsync());
        Assert.Equal("city-planning", await page.GetByRole(AriaRole.Group, new() { Name = "Price by purpose 1" }).GetByLabel("Purpose").InputValueAsync());
        await checks.AssertSoundAsync(visitor, "console-provider-offering-edit-statistics");

        await visitor.OpenPageAsync($"/console/provider/offerings/{offeringId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "List in the catalog" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Visitor.FollowAsync(page, page.Locator($"main a[href='/offerings/{offeringId}']"), $"/offerings/{offeringId}");
        Assert.Contains("Aggregates only", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("city-planning", await page.Locator("table.purpose-prices").InnerTextAsync(), StringComparison.Ordinal);
        await checks.AssertSoundAsync(visitor, "offering-statistics");
        Assert.Empty(visitor.TakeProblems());
    }
}
