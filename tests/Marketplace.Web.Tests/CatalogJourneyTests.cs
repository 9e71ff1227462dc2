using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>An anonymous visitor browses the catalog: facets and search narrow it, a result opens its offering page.</summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class CatalogJourneyTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);
    private readonly CatalogSeed _seed = fixture.Seed;

    internal static async Task<string[]> ResultsAsync(IPage page)
    {
        var hrefs = await page.Locator("ul.results > li a[href^=\"/offerings/\"]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        return [.. hrefs.Select(h => h["/offerings/".Length..]).Order(StringComparer.Ordinal)];
    }

    private async Task AssertSeededListingsAsync(IPage page)
    {
        var results = await ResultsAsync(page);
        Assert.Subset(results.ToHashSet(StringComparer.Ordinal), new[] { _seed.OpenData.OfferingId, _seed.ListedPrivate.OfferingId, _seed.Personal.OfferingId }.ToHashSet(StringComparer.Ordinal));
        Assert.DoesNotContain(_seed.NamedPrivate.OfferingId, results);
    }

    [Fact]
    public async Task An_anonymous_visitor_finds_the_open_data_through_the_facets_and_search_and_opens_its_page()
    {
        await using var visitor = await fixture.VisitAsync();
        var page = visitor.Page;
        Assert.Equal(200, await visitor.OpenPageAsync("/"));
        // Everything the seed lists to all, never the offering named for one buyer (other journeys may list more).
        await AssertSeededListingsAsync(page);
        await _checks.AssertSoundAsync(visitor, "catalog");

        await page.Locator("select#sort").SelectOptionAsync("newest");
        await Visitor.FollowAsync(page, page.Locator("form.sort button[type=submit]"), "sort=newest");
        await AssertSeededListingsAsync(page);
        Assert.Equal("newest", await page.Locator("select#sort").InputValueAsync());
        await _checks.AssertSoundAsync(visitor, "catalog-newest");

        await Visitor.FollowAsync(page, page.Locator(".facets a[href*=\"class=public\"]"), "class=public");
        Assert.Equal([_seed.OpenData.OfferingId], await ResultsAsync(page));
        await _checks.AssertSoundAsync(visitor, "catalog-public");

        await Visitor.FollowAsync(page, page.Locator(".facets a[href*=\"free=1\"]"), "free=1");
        Assert.Contains("class=public", page.Url, StringComparison.Ordinal);
        Assert.Equal([_seed.OpenData.OfferingId], await ResultsAsync(page));

        await page.GetByRole(AriaRole.Search).Locator("input[name=q]").FillAsync(CatalogSeed.OpenDataWord);
        await page.GetByRole(AriaRole.Search).Locator("input[name=q]").PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("q=" + CatalogSeed.OpenDataWord, StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Contains("class=public", page.Url, StringComparison.Ordinal);
        Assert.Contains("free=1", page.Url, StringComparison.Ordinal);
        Assert.Contains("sort=newest", page.Url, StringComparison.Ordinal);
        Assert.Equal([_seed.OpenData.OfferingId], await ResultsAsync(page));
        await _checks.AssertSoundAsync(visitor, "catalog-search");

        await Visitor.FollowAsync(page, page.Locator($"ul.results > li a[href=\"/offerings/{_seed.OpenData.OfferingId}\"]"), "/offerings/");
        Assert.EndsWith("/offerings/" + _seed.OpenData.OfferingId, page.Url, StringComparison.Ordinal);
        Assert.Contains(CatalogSeed.OpenDataTitle, await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "offering-open-data");
    }

}
