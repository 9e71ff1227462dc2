using Marketplace.Host.Tests;
using Marketplace.Host.Tests.NgsiLd;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// A provider attaches a dataset to the City OS feed from the console, sees the broker's notification waiting for
/// its interval (last notification time, records pending), and detaches it; every page passes the page checks.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class CityOsFeedJourneyTests(WebMarketplaceFixture fixture)
{
    [Fact]
    public async Task A_provider_attaches_a_dataset_to_the_city_os_feed_sees_what_waits_and_detaches_it()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("air");
        await fixture.Driver.CreateDatasetAsync(provider, NgsiLdWorld.AirQualityDataset(datasetId));
        await using var visitor = await fixture.SignInAsync(provider);
        var checks = new PageChecks(fixture);

        await visitor.OpenPageAsync($"/console/provider/datasets/{datasetId}");
        await Visitor.FollowAsync(visitor.Page, visitor.Page.GetByRole(AriaRole.Link, new() { Name = "City OS feed (NGSI-LD)" }), "/ngsi-ld");
        Assert.Equal("Not attached", await visitor.Page.Locator("#feed-attached").InnerTextAsync());
        await checks.AssertSoundAsync(visitor, "console-provider-feed");

        await visitor.Page.Locator("#feed-types").FillAsync("AirQualityObserved");
        await visitor.Page.Locator("#feed-mapping").FillAsync("id = sensor\ndateObserved = observed_at\nno2 = no2\nlocation.latitude = lat\nlocation.longitude = lon");
        await visitor.Page.Locator("#feed-interval").FillAsync("PT1H");
        await visitor.Page.GetByRole(AriaRole.Button, new() { Name = "Attach", Exact = true }).ClickAsync();
        await visitor.Page.Locator("#feed-status").WaitForAsync();
        Assert.Equal("Attached", await visitor.Page.Locator("#feed-attached").InnerTextAsync());

        var notified = await NgsiLdWorld.NotifyAsync(provider.Client, datasetId,
            NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 20), NgsiLdWorld.Entity("s2", 30)));
        notified.EnsureSuccessStatusCode();
        await visitor.OpenPageAsync($"/console/provider/datasets/{datasetId}/ngsi-ld");
        Assert.Equal("2", await visitor.Page.Locator("#feed-pending").InnerTextAsync());
        Assert.NotEqual("None yet", await visitor.Page.Locator("#feed-last").InnerTextAsync());
        await checks.AssertSoundAsync(visitor, "console-provider-feed-attached");

        await visitor.Page.GetByRole(AriaRole.Button, new() { Name = "Detach the dataset" }).ClickAsync();
        await visitor.Page.Locator("#feed-status").WaitForAsync();
        Assert.Equal("Not attached", await visitor.Page.Locator("#feed-attached").InnerTextAsync());
        Assert.Equal("2", await visitor.Page.Locator("#feed-pending").InnerTextAsync());
    }

    [Fact]
    public async Task A_mapping_that_does_not_fit_is_refused_next_to_the_form()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("air");
        await fixture.Driver.CreateDatasetAsync(provider, NgsiLdWorld.AirQualityDataset(datasetId));
        await using var visitor = await fixture.SignInAsync(provider);

        await visitor.OpenPageAsync($"/console/provider/datasets/{datasetId}/ngsi-ld");
        await visitor.Page.Locator("#feed-types").FillAsync("AirQualityObserved");
        await visitor.Page.Locator("#feed-mapping").FillAsync("id = no2");
        await visitor.Page.GetByRole(AriaRole.Button, new() { Name = "Attach", Exact = true }).ClickAsync();
        await visitor.Page.Locator("#feed-error").WaitForAsync();

        Assert.Contains("field 'no2' is a number", await visitor.Page.Locator("#feed-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Not attached", await visitor.Page.Locator("#feed-attached").InnerTextAsync());
    }
}
