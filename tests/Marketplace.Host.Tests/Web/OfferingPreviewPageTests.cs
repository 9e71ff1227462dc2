using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Host.Tests.Web;

/// <summary>The offering page's preview table: shown where the offering previews its records, absent otherwise.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OfferingPreviewPageTests(MarketplaceFixture fixture)
{
    private HttpClient Anonymous() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private Task<Listing> OpenDataAsync(int records) =>
        fixture.Driver.ListedOfferingAsync(records, pricing: new { model = "free", currency = "JPY" }, cls: "public");

    private async Task<string> PageAsync(string offeringId, string language = "ja")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/offerings/{offeringId}");
        request.Headers.AcceptLanguage.ParseAdd(language);
        return await (await Anonymous().SendAsync(request)).Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_public_offering_page_shows_its_first_records_in_an_accessible_table()
    {
        var listing = await OpenDataAsync(records: 25);

        var html = await PageAsync(listing.OfferingId);

        Assert.Contains("<h2 id=\"preview-heading\">プレビュー</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"preview-caption\">", html, StringComparison.Ordinal);
        Assert.Contains("<caption id=\"preview-caption\">25件のうち先頭20件</caption>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\"><code>stop_id</code></th>", html, StringComparison.Ordinal);
        Assert.Contains("S00020", html, StringComparison.Ordinal);
        Assert.DoesNotContain("S00021", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Numbers_align_right_and_read_as_numbers()
    {
        var listing = await OpenDataAsync(records: 1);

        var html = await PageAsync(listing.OfferingId, "en");

        Assert.Matches("<td class=\"number\">\\s*35.0001\\s*</td>", html);
        Assert.Contains("<caption id=\"preview-caption\">The first 1 of 1 records</caption>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_offering_page_shows_no_preview_by_default()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 3, cls: "private");

        var html = await PageAsync(listing.OfferingId);

        Assert.Contains("<table class=\"schema\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("preview-caption", html, StringComparison.Ordinal);
        Assert.DoesNotContain("S00001", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_personal_offering_page_shows_the_schema_and_count_but_never_records()
    {
        var bank = await fixture.Driver.CreatePartyAsync("information-bank");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(bank, PersonalDataTests.HealthChecks(datasetId));
        await MarketplaceDriver.UploadCsvAsync(bank, datasetId, "resident_id,hba1c\nr-secret-1,5.4\n");
        var offering = await MarketplaceDriver.CreateOfferingAsync(bank, PersonalDataTests.Offering(datasetId, "provider"));
        await MarketplaceDriver.PublishAsync(bank, offering.Id);

        var html = await PageAsync(offering.Id);

        Assert.Contains("現在の版に1件", html, StringComparison.Ordinal);
        Assert.DoesNotContain("preview-caption", html, StringComparison.Ordinal);
        Assert.DoesNotContain("r-secret-1", html, StringComparison.Ordinal);
    }
}
