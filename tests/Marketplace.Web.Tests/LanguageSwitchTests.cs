using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// The language switch (links named 「English」 and 「日本語」) changes the page it is used on, keeps its address,
/// and is remembered on the next page although the browser asks for the other language.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class LanguageSwitchTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);
    private readonly CatalogSeed _seed = fixture.Seed;

    private static async Task SwitchToAsync(IPage page, string name, string lang)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", new System.Text.RegularExpressions.Regex("^" + lang));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    private static Task<string?> LangAsync(IPage page) => page.Locator("html").GetAttributeAsync("lang");

    [Fact]
    public async Task English_chosen_on_the_catalog_keeps_the_search_and_is_remembered_on_the_offering_page()
    {
        await using var visitor = await fixture.VisitAsync("ja-JP");
        var page = visitor.Page;
        await visitor.OpenPageAsync("/?class=public");
        Assert.StartsWith("ja", await LangAsync(page), StringComparison.Ordinal);

        await SwitchToAsync(page, "English", "en");
        Assert.Equal(fixture.BaseUrl + "/?class=public", page.Url);
        Assert.Equal([_seed.OpenData.OfferingId], await CatalogJourneyTests.ResultsAsync(page));
        await _checks.AssertSoundAsync(visitor, "catalog-public");

        await page.Locator($"ul.results > li a[href=\"/offerings/{_seed.OpenData.OfferingId}\"]").ClickAsync();
        await page.WaitForURLAsync("**/offerings/" + _seed.OpenData.OfferingId);
        Assert.StartsWith("en", await LangAsync(page), StringComparison.Ordinal);
        await visitor.OpenPageAsync("/");
        Assert.StartsWith("en", await LangAsync(page), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "catalog");
    }

    [Fact]
    public async Task Japanese_chosen_on_the_offering_page_stays_there_and_is_remembered_on_the_catalog()
    {
        await using var visitor = await fixture.VisitAsync("en-US");
        var page = visitor.Page;
        var offering = "/offerings/" + _seed.OpenData.OfferingId;
        await visitor.OpenPageAsync(offering);
        Assert.StartsWith("en", await LangAsync(page), StringComparison.Ordinal);

        await SwitchToAsync(page, "日本語", "ja");
        Assert.Equal(fixture.BaseUrl + offering, page.Url);
        Assert.Contains(CatalogSeed.OpenDataTitle, await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "offering-open-data");

        await visitor.OpenPageAsync("/");
        Assert.StartsWith("ja", await LangAsync(page), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "catalog");
    }
}
