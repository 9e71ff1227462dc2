using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Host.Tests.Web;

/// <summary>The offering page links its open-data downloads exactly when the download answers.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class DownloadLinkTests(MarketplaceFixture fixture)
{
    private HttpClient Anonymous() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task An_open_data_offering_page_links_its_csv_and_json_lines_downloads()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 3, cls: "public", pricing: new { model = "free", currency = "JPY" });

        var html = await Anonymous().GetStringAsync($"/offerings/{listing.OfferingId}");

        Assert.Contains($"<a href=\"/api/v1/offerings/{listing.OfferingId}/download?format=csv\" download data-enhance-nav=\"false\">CSV をダウンロード</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/api/v1/offerings/{listing.OfferingId}/download?format=jsonl\" download data-enhance-nav=\"false\">JSON Lines をダウンロード</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_links_are_in_english_for_an_english_visitor()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 3, cls: "public", pricing: new { model = "free", currency = "JPY" });
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/offerings/{listing.OfferingId}");
        request.Headers.AcceptLanguage.ParseAdd("en");

        var html = await (await Anonymous().SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Contains(">Download CSV</a>", html, StringComparison.Ordinal);
        Assert.Contains(">Download JSON Lines</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_priced_offering_page_has_no_download_links()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 3, cls: "private");

        var response = await Anonymous().GetAsync($"/offerings/{listing.OfferingId}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("/download?format=", html, StringComparison.Ordinal);
    }
}
