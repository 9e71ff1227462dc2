using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>The offering page's record preview in a browser: a sound page in both languages and both widths.</summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class OfferingPreviewJourneyTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);
    private readonly CatalogSeed _seed = fixture.Seed;

    [Fact]
    public async Task An_open_data_page_previews_its_records_in_a_table_a_visitor_can_scroll_on_its_own()
    {
        await using var visitor = await fixture.VisitAsync();

        Assert.Equal(200, await visitor.OpenPageAsync($"/offerings/{_seed.OpenData.OfferingId}"));

        var preview = visitor.Page.GetByRole(AriaRole.Region, new() { Name = "The first 2 of 2 records" });
        Assert.Equal(2, await preview.Locator("tbody tr").CountAsync());
        Assert.Equal("B001", await preview.Locator("tbody tr").First.Locator("td").First.InnerTextAsync());
        await _checks.AssertSoundAsync(visitor, "offering-preview");
    }

    [Fact]
    public async Task A_personal_data_page_shows_no_preview()
    {
        await using var visitor = await fixture.VisitAsync();

        Assert.Equal(200, await visitor.OpenPageAsync($"/offerings/{_seed.Personal.OfferingId}"));

        Assert.Equal(0, await visitor.Page.Locator("table.preview").CountAsync());
        Assert.Equal(1, await visitor.Page.Locator("table.schema").CountAsync());
    }
}
