using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>An anonymous visitor finds the open data by the facets, opens its page and downloads it whole.</summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class DownloadJourneyTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);
    private readonly CatalogSeed _seed = fixture.Seed;

    private static async Task<string> DownloadAsync(IPage page, string linkText, string expectedFileName)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = linkText, Exact = true }).ClickAsync());
        Assert.Equal(expectedFileName, download.SuggestedFilename);
        Assert.Null(await download.FailureAsync());
        return await File.ReadAllTextAsync(await download.PathAsync());
    }

    [Fact]
    public async Task An_anonymous_visitor_finds_the_open_data_by_facets_and_downloads_it_as_csv_and_json_lines()
    {
        await using var visitor = await fixture.VisitAsync();
        var page = visitor.Page;
        Assert.Equal(200, await visitor.OpenPageAsync("/"));
        await Visitor.FollowAsync(page, page.Locator(".facets a[href*=\"class=public\"]"), "class=public");
        await Visitor.FollowAsync(page, page.Locator(".facets a[href*=\"free=1\"]"), "free=1");
        Assert.Equal([_seed.OpenData.OfferingId], await CatalogJourneyTests.ResultsAsync(page));
        await _checks.AssertSoundAsync(visitor, "catalog-public-free");
        await Visitor.FollowAsync(page, page.Locator($"ul.results > li a[href=\"/offerings/{_seed.OpenData.OfferingId}\"]"), "/offerings/");
        await _checks.AssertSoundAsync(visitor, "offering-open-data");

        var csv = await DownloadAsync(page, "Download CSV", $"{_seed.OpenData.OfferingId}.csv");
        var jsonLines = await DownloadAsync(page, "Download JSON Lines", $"{_seed.OpenData.OfferingId}.jsonl");

        Assert.Equal("stop_id,name,district,lat\r\nB001,Station east,east,35.4541\r\nB002,Harbour west,west,35.4512\r\n", csv);
        var records = jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, records.Length);
        Assert.Contains("\"stop_id\":\"B002\"", records[1], StringComparison.Ordinal);
        Assert.EndsWith("/offerings/" + _seed.OpenData.OfferingId, page.Url, StringComparison.Ordinal);
        Assert.Empty(visitor.TakeProblems());
    }
}
