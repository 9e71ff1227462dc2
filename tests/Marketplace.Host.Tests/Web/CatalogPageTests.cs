using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The anonymous catalog and offering pages over HTTP, without a browser: what anyone sees, what stays
/// invisible, the facets in the query string, and the language.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class CatalogPageTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private Task<Listing> OpenDataAsync() =>
        _driver.ListedOfferingAsync(records: 3, cls: "public", pricing: new { model = "free", currency = "JPY" });

    private HttpClient Anonymous() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task The_catalog_at_the_root_lists_a_public_offering_to_anyone()
    {
        var listing = await OpenDataAsync();

        var response = await Anonymous().GetAsync($"/?provider={listing.Provider.Id}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<form role=\"search\" method=\"get\" action=\"/\"", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/offerings/{listing.OfferingId}\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_shows_its_class_badge_provider_price_in_words_and_licence()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, cls: "private");

        var html = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}");

        Assert.Contains("<span class=\"badge badge-private\">非公開データ</span>", html, StringComparison.Ordinal);
        Assert.Contains($"Test provider {listing.Provider.Id}", html, StringComparison.Ordinal);
        Assert.Contains("1件あたり ¥2", html, StringComparison.Ordinal);
        Assert.Contains("<dd>proprietary</dd>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_facet_in_the_query_string_filters_the_results()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, cls: "private");
        var link = $"<a href=\"/offerings/{listing.OfferingId}\">";

        var matching = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}&class=private");
        var other = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}&class=public");

        Assert.Contains(link, matching, StringComparison.Ordinal);
        Assert.DoesNotContain(link, other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Facet_links_keep_the_other_filters_and_the_search_text()
    {
        var listing = await OpenDataAsync();

        var html = await Anonymous().GetStringAsync($"/?q=bus&provider={listing.Provider.Id}");

        Assert.Contains($"href=\"/?q=bus&amp;class=public&amp;provider={listing.Provider.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains($"<input type=\"hidden\" name=\"provider\" value=\"{listing.Provider.Id}\" />", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paging_links_carry_the_filters_to_the_next_page_and_back()
    {
        var listing = await OpenDataAsync();
        for (var i = 0; i < 20; i++)
        {
            var offering = await MarketplaceDriver.CreateOfferingAsync(listing.Provider,
                new { id = MarketplaceDriver.UniqueId("off"), datasetId = listing.DatasetId, pricing = new { model = "free", currency = "JPY" } });
            await MarketplaceDriver.PublishAsync(listing.Provider, offering.Id);
        }

        var first = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}");
        var second = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}&page=2");

        Assert.Contains($"<a href=\"/?provider={listing.Provider.Id}&amp;page=2\" rel=\"next\">", first, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/?provider={listing.Provider.Id}\" rel=\"prev\">", second, StringComparison.Ordinal);
        Assert.Equal(20, LinksToOfferings(first));
        Assert.Equal(1, LinksToOfferings(second));
    }

    private static int LinksToOfferings(string html) =>
        System.Text.RegularExpressions.Regex.Count(html, "<h3><a href=\"/offerings/");

    [Fact]
    public async Task An_offering_private_to_a_named_buyer_is_invisible_to_anyone_else()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        var listing = await _driver.ListedOfferingAsync(records: 3, visibility: "private", buyers: [buyer.Id]);

        var catalogPage = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}");
        var offeringPage = await Anonymous().GetAsync($"/offerings/{listing.OfferingId}");
        var api = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/catalog?provider={listing.Provider.Id}");

        Assert.DoesNotContain(listing.OfferingId, catalogPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, offeringPage.StatusCode);
        Assert.Contains("ページが見つかりません", await offeringPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, api.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task The_api_catalog_answers_anyone_with_the_public_listings()
    {
        var listing = await OpenDataAsync();

        var api = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/catalog?provider={listing.Provider.Id}");

        Assert.Equal(listing.OfferingId, api.GetProperty("items")[0].GetProperty("offeringId").GetString());
    }

    /// <summary>A provider's listing at ¥2 per record and a second, newer one of the same dataset at ¥1.</summary>
    private async Task<(Listing Listing, string Cheaper)> TwoPricesAsync()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, cls: "private");
        fixture.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        var cheaper = MarketplaceDriver.UniqueId("off");
        await MarketplaceDriver.CreateOfferingAsync(listing.Provider, new
        {
            id = cheaper,
            datasetId = listing.DatasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
            policy = new { purposes = new[] { "research" } },
        });
        await MarketplaceDriver.PublishAsync(listing.Provider, cheaper);
        return (listing, cheaper);
    }

    private static string[] OfferingIds(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("offeringId").GetString()!)];

    [Fact]
    public async Task The_api_sorts_by_price_lowest_first_and_answers_each_price_indicator()
    {
        var (listing, cheaper) = await TwoPricesAsync();

        var api = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/catalog?provider={listing.Provider.Id}&sort=price");

        Assert.Equal([cheaper, listing.OfferingId], OfferingIds(api));
        Assert.Equal([1L, 2L], api.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("priceMinor").GetInt64()));
    }

    [Fact]
    public async Task The_api_sorts_newest_first()
    {
        var (listing, cheaper) = await TwoPricesAsync();

        var api = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/catalog?provider={listing.Provider.Id}&sort=newest");

        Assert.Equal([cheaper, listing.OfferingId], OfferingIds(api));
    }

    [Fact]
    public async Task An_unknown_sort_in_the_api_is_a_bad_request_naming_the_valid_sorts()
    {
        var response = await Anonymous().GetAsync("/api/v1/catalog?sort=cheapest");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("relevance, newest, price", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_counts_licences_and_filters_by_one()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, cls: "private");

        var all = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/catalog?provider={listing.Provider.Id}");
        var other = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/catalog?provider={listing.Provider.Id}&licence=CC-BY-4.0");

        var licence = Assert.Single(all.GetProperty("facets").GetProperty("licences").EnumerateArray());
        Assert.Equal(("proprietary", 1L), (licence.GetProperty("value").GetString(), licence.GetProperty("count").GetInt64()));
        Assert.Equal(0, other.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task The_sort_control_is_a_labelled_select_in_a_get_form_showing_the_chosen_sort()
    {
        var listing = await OpenDataAsync();

        var html = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}&sort=newest");

        Assert.Contains("<label for=\"sort\">並べ替え</label>", html, StringComparison.Ordinal);
        Assert.Contains("<select id=\"sort\" name=\"sort\">", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"newest\" selected>新着順</option>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_lists_by_the_chosen_sort()
    {
        var (listing, cheaper) = await TwoPricesAsync();

        var byPrice = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}&sort=price");

        Assert.True(
            byPrice.IndexOf($"/offerings/{cheaper}\"", StringComparison.Ordinal) < byPrice.IndexOf($"/offerings/{listing.OfferingId}\"", StringComparison.Ordinal),
            "The cheaper offering is listed first.");
    }

    [Fact]
    public async Task An_unknown_sort_on_the_page_falls_back_to_the_default()
    {
        var listing = await OpenDataAsync();

        var response = await Anonymous().GetAsync($"/?provider={listing.Provider.Id}&sort=cheapest");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<option value=\"relevance\" selected>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"cheapest\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Facet_and_paging_links_carry_the_sort_and_the_licence()
    {
        var listing = await OpenDataAsync();
        for (var i = 0; i < 20; i++)
        {
            var offering = await MarketplaceDriver.CreateOfferingAsync(listing.Provider,
                new { id = MarketplaceDriver.UniqueId("off"), datasetId = listing.DatasetId, pricing = new { model = "free", currency = "JPY" } });
            await MarketplaceDriver.PublishAsync(listing.Provider, offering.Id);
        }

        var html = await Anonymous().GetStringAsync($"/?provider={listing.Provider.Id}&licence=CC-BY-4.0&sort=newest");

        Assert.Contains($"<a href=\"/?provider={listing.Provider.Id}&amp;licence=CC-BY-4.0&amp;sort=newest&amp;page=2\" rel=\"next\">", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/?class=public&amp;provider={listing.Provider.Id}&amp;licence=CC-BY-4.0&amp;sort=newest\"", html, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"licence\" value=\"CC-BY-4.0\" />", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("off-does-not-exist")]
    [InlineData("NOT%20AN%20ID")]
    [InlineData("..%2F..%2Fetc")]
    public async Task An_offering_page_that_cannot_be_shown_is_the_not_found_page(string id)
    {
        var response = await Anonymous().GetAsync($"/offerings/{id}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("<h1>ページが見つかりません</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_offering_has_no_page()
    {
        var listing = await OpenDataAsync();
        var draft = MarketplaceDriver.UniqueId("off");
        await MarketplaceDriver.CreateOfferingAsync(listing.Provider, new { id = draft, datasetId = listing.DatasetId, pricing = new { model = "free", currency = "JPY" } });

        var response = await Anonymous().GetAsync($"/offerings/{draft}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_offering_page_shows_the_metadata_schema_record_count_price_and_policy()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, cls: "private");

        var html = await Anonymous().GetStringAsync($"/offerings/{listing.OfferingId}");

        Assert.Contains("Every bus stop of the city with its position.", html, StringComparison.Ordinal);
        Assert.Contains("<dd>交通</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\"><code>stop_id</code></th>", html, StringComparison.Ordinal);
        Assert.Contains("現在の版に3件", html, StringComparison.Ordinal);
        Assert.Contains("1件あたり ¥2", html, StringComparison.Ordinal);
        Assert.Contains("次の目的に限り利用できます: research。", html, StringComparison.Ordinal);
        Assert.Contains($"/api/v1/offerings/{listing.OfferingId}/contracts", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_personal_offering_page_shows_the_schema_and_record_count_but_not_the_description()
    {
        var bank = await _driver.CreatePartyAsync("information-bank");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(bank, PersonalDataTests.HealthChecks(datasetId));
        await MarketplaceDriver.UploadCsvAsync(bank, datasetId, "resident_id,hba1c\nr-1,5.4\nr-2,6.1\n");
        var offering = await MarketplaceDriver.CreateOfferingAsync(bank, PersonalDataTests.Offering(datasetId, "provider"));
        await MarketplaceDriver.PublishAsync(bank, offering.Id);

        var html = await Anonymous().GetStringAsync($"/offerings/{offering.Id}");

        Assert.Contains("<code>resident_id</code>", html, StringComparison.Ordinal);
        Assert.Contains("現在の版に2件", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Yearly health check results", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_language_header_the_pages_are_japanese()
    {
        var html = await Anonymous().GetStringAsync("/");

        Assert.Contains("<html lang=\"ja\">", html, StringComparison.Ordinal);
        Assert.Contains("みなとみらいデータマーケットプレイス", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_language_english_renders_english()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptLanguage.ParseAdd("en-GB,en;q=0.9");

        var html = await (await Anonymous().SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("Minato Mirai Data Marketplace", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_language_switch_remembers_the_choice_and_returns_to_the_same_view()
    {
        var client = Anonymous();

        var response = await client.GetAsync("/culture/en?returnUrl=%2F%3Fq%3Dbus%26free%3D1");
        using var request = new HttpRequestMessage(HttpMethod.Get, response.Headers.Location);
        request.Headers.Add("Cookie", response.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        request.Headers.AcceptLanguage.ParseAdd("ja");
        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/?q=bus&free=1", response.Headers.Location?.OriginalString);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    public async Task The_language_switch_never_sends_a_visitor_to_another_site(string returnUrl)
    {
        var response = await Anonymous().GetAsync($"/culture/ja?returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_language_switch_is_a_pair_of_links_named_in_their_own_language()
    {
        var html = await Anonymous().GetStringAsync("/?q=bus");

        Assert.Contains("<a href=\"/culture/en?returnUrl=%2F%3Fq%3Dbus\" lang=\"en\" hreflang=\"en\">English</a>", html, StringComparison.Ordinal);
        Assert.Contains(">日本語</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_page_is_the_not_found_page_and_an_unknown_api_path_stays_a_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.AcceptLanguage.ParseAdd("en");

        var page = await Anonymous().SendAsync(request);
        var api = await Anonymous().GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("<h1>Page not found</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_stylesheet_is_served_by_the_host()
    {
        var html = await Anonymous().GetStringAsync("/");
        var href = System.Text.RegularExpressions.Regex.Match(html, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Groups[1].Value;

        var css = await Anonymous().GetAsync("/" + href.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".results", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
