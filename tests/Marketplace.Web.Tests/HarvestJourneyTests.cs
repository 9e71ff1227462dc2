namespace Marketplace.Web.Tests;

/// <summary>
/// The operator's harvest page in the browser: a DCAT-AP source (this marketplace's own /catalog.ttl, a real one) is
/// registered through the form and run now; the page shows the run, and a harvested listing's page says where it
/// comes from. Both pages pass the page checks in both languages. The source is deleted at the end, which withdraws
/// its listings, so the catalog the other journeys see is as it was.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class HarvestJourneyTests(WebMarketplaceFixture fixture)
{
    private const string Path = "/console/operator/harvest";

    private readonly PageChecks _checks = new(fixture);

    [Fact]
    public async Task The_operator_registers_a_source_runs_it_and_the_listings_say_where_they_come_from()
    {
        await using var visitor = await fixture.SignInAsync(await fixture.Driver.CreatePartyAsync("operator"));
        Assert.Equal(200, await visitor.OpenPageAsync(Path));
        await _checks.AssertSoundAsync(visitor, "console-operator-harvest");
        var name = $"Mirror {Guid.NewGuid():N}"[..16];

        await visitor.Page.Locator("#source-name").FillAsync(name);
        await visitor.Page.Locator("#source-kind").SelectOptionAsync("dcat");
        await visitor.Page.Locator("#source-url").FillAsync($"{fixture.BaseUrl}/catalog.ttl");
        await visitor.Page.Locator("#source-schedule").SelectOptionAsync("manual");
        await visitor.Page.Locator("section[aria-labelledby=register-heading] button[type=submit]").ClickAsync();
        await visitor.Page.Locator("#harvest-done").WaitForAsync();
        var row = visitor.Page.Locator("tr", new() { HasText = name });
        await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = $"Run {name} now" }).ClickAsync();
        await visitor.Page.Locator("#harvest-done", new() { HasText = "created" }).WaitForAsync();

        Assert.Contains($"Harvested {name}", await visitor.Page.Locator("#harvest-done").InnerTextAsync(), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "console-operator-harvest-run");

        var sources = await fixture.Driver.Operator.GetStringAsync("/api/v1/harvest-sources");
        using var json = System.Text.Json.JsonDocument.Parse(sources);
        var source = json.RootElement.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        var sourceId = source.GetProperty("id").GetString()!;
        var catalog = await fixture.Driver.Operator.GetStringAsync($"/api/v1/catalog?provider={sourceId}&pageSize=1");
        using var listed = System.Text.Json.JsonDocument.Parse(catalog);
        var offeringId = listed.RootElement.GetProperty("items")[0].GetProperty("offeringId").GetString()!;
        Assert.Equal(200, await visitor.OpenPageAsync($"/offerings/{offeringId}"));
        Assert.Contains(name, await visitor.Page.Locator("#harvested-from h2").InnerTextAsync(), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "offering-harvested");

        var deleted = await fixture.Driver.Operator.DeleteAsync($"/api/v1/harvest-sources/{sourceId}");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
    }
}
