using System.Text;
using Marketplace.Host.Tests;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// A provider uploads a revision with one bad line, sees that line's error next to the form, fixes the file and
/// publishes it; every console page on the way passes the page checks.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class ProviderConsoleJourneyTests(WebMarketplaceFixture fixture)
{
    [Fact]
    public async Task A_provider_fixes_a_bad_line_and_publishes_the_revision_from_the_console()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(datasetId, "private"));
        await using var visitor = await fixture.SignInAsync(provider);
        var checks = new PageChecks(fixture);

        Assert.EndsWith("/console/provider", visitor.Page.Url, StringComparison.Ordinal);
        await checks.AssertSoundAsync(visitor, "console-provider");
        await visitor.Page.GetByRole(AriaRole.Link, new() { Name = "Requests awaiting approval" }).ClickAsync();
        await checks.AssertSoundAsync(visitor, "console-provider-requests");
        await visitor.Page.GetByRole(AriaRole.Link, new() { Name = "Create an offering" }).First.ClickAsync();
        await checks.AssertSoundAsync(visitor, "console-provider-new-offering");

        await visitor.OpenPageAsync("/console/provider");
        await visitor.Page.Locator($"a[href='/console/provider/datasets/{datasetId}']").ClickAsync();
        await visitor.Page.WaitForURLAsync(url => url.Contains(datasetId, StringComparison.Ordinal));
        await checks.AssertSoundAsync(visitor, "console-provider-dataset");
        // Survives only if the upload is shown in place (the script), not by loading a new page.
        await visitor.Page.EvaluateAsync("() => { window.stillThisPage = true; }");

        var bad = "stop_id,name,district,lat\nS1,First stop,east,35.1\nS2,Second stop,west,north\nS3,Third stop,east,35.3\n";
        await UploadAsync(visitor.Page, bad);
        var errors = visitor.Page.Locator("#upload-errors");
        await errors.WaitForAsync();
        var row = errors.Locator("tbody tr");
        Assert.Equal(1, await row.CountAsync());
        Assert.Equal("3", await row.Locator("td").Nth(0).InnerTextAsync());
        Assert.Equal("lat", await row.Locator("td").Nth(1).InnerTextAsync());
        Assert.True(await visitor.Page.EvaluateAsync<bool>("() => window.stillThisPage === true"));
        Assert.Equal(0, await visitor.Page.Locator("tbody tr", new() { HasText = "rev-" }).CountAsync());
        Assert.Contains("?rejected=", visitor.Page.Url, StringComparison.Ordinal);
        await checks.AssertSoundAsync(visitor, "console-provider-dataset-rejected");

        await UploadAsync(visitor.Page, bad.Replace("west,north", "west,35.2", StringComparison.Ordinal));
        var status = visitor.Page.Locator("#revision-status");
        await status.WaitForAsync();
        Assert.Contains("with 3 records", await status.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("?published=rev-", visitor.Page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await visitor.Page.Locator("#upload-errors").CountAsync());
        await checks.AssertSoundAsync(visitor, "console-provider-dataset-published");

        // The offering's own page and its editor, once there is data to offer.
        var offeringId = MarketplaceDriver.UniqueId("off");
        await MarketplaceDriver.CreateOfferingAsync(provider, new { id = offeringId, datasetId, pricing = new { model = "per-unit", currency = "JPY", amount = 2, unit = "record" } });
        await visitor.OpenPageAsync($"/console/provider/offerings/{offeringId}");
        await checks.AssertSoundAsync(visitor, "console-provider-offering");
        await visitor.Page.GetByRole(AriaRole.Link, new() { Name = "Edit the terms" }).ClickAsync();
        await visitor.Page.WaitForURLAsync(url => url.EndsWith("/edit", StringComparison.Ordinal));
        await checks.AssertSoundAsync(visitor, "console-provider-offering-edit");

        // Once a buyer has used the data, the overview charts this period's earnings per offering.
        await MarketplaceDriver.PublishAsync(provider, offeringId);
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, offeringId, "research");
        (await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=3")).EnsureSuccessStatusCode();
        await visitor.OpenPageAsync("/console/provider#usage-heading");
        Assert.Contains("¥6", await visitor.Page.Locator("section[aria-labelledby=usage-heading]").InnerTextAsync(), StringComparison.Ordinal);
        await checks.AssertSoundAsync(visitor, "console-provider-earnings");
    }

    private static async Task UploadAsync(IPage page, string csv)
    {
        await page.Locator("#upload-file").SetInputFilesAsync(new FilePayload { Name = "stops.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and publish" }).ClickAsync();
    }
}
