using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Offerings;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The provider console's offering form sets aggregate-only terms and prices by purpose through the same service as
/// the API: what the API refuses, the form refuses with the API's own words, keeping what the person typed.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OfferingStatisticsFormTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private static Dictionary<string, string> StatisticsTerms(string datasetId, string id) => new()
    {
        ["DatasetId"] = datasetId, ["Id"] = id, ["Title"] = "Stops by district", ["Description"] = "",
        ["Model"] = "per-unit", ["Amount"] = "300", ["Unit"] = "request", ["UnitBlock"] = "",
        ["Purposes"] = "city-planning, commercial-marketing", ["TermDays"] = "", ["MaxUnits"] = "",
        ["Visibility"] = "public", ["Buyers"] = "", ["Approval"] = "automatic", ["Preview"] = "",
        ["AggregateDimensions"] = "district", ["AggregateMeasures"] = "lat", ["AggregateK"] = "10", ["AggregateRoundingStep"] = "50", ["AggregateAccess"] = "only",
        ["PurposePrice0.Purpose"] = "city-planning", ["PurposePrice0.Model"] = "free", ["PurposePrice0.Amount"] = "", ["PurposePrice0.Unit"] = "request", ["PurposePrice0.UnitBlock"] = "",
        ["PurposePrice1.Purpose"] = "", ["PurposePrice1.Model"] = "free", ["PurposePrice1.Amount"] = "", ["PurposePrice1.Unit"] = "request", ["PurposePrice1.UnitBlock"] = "",
    };

    private static async Task<OfferingResponse> OfferingAsync(Party provider, string id) =>
        (await provider.Client.GetFromJsonAsync<OfferingResponse>($"/api/v1/offerings/{id}", MarketplaceDriver.Json))!;

    private async Task<(Listing Listing, PageSession Browser)> ProviderAsync()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        return (listing, await PageSession.ForPartyAsync(fixture, listing.Provider));
    }

    [Fact]
    public async Task The_create_form_sets_aggregate_only_terms_and_a_price_by_purpose_as_the_api_does()
    {
        var (listing, browser) = await ProviderAsync();
        var id = MarketplaceDriver.UniqueId("off");

        var response = await browser.PostFormAsync("/console/provider/offerings/new", "offering", StatisticsTerms(listing.DatasetId, id));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var offering = await OfferingAsync(listing.Provider, id);
        Assert.Equal((10, 50, true), (offering.Policy.Aggregates!.K, offering.Policy.Aggregates.RoundingStep, offering.Policy.Aggregates.AggregateOnly));
        Assert.Equal(["district"], offering.Policy.Aggregates!.Dimensions);
        Assert.Equal(["lat"], offering.Policy.Aggregates.Measures);
        var price = Assert.Single(offering.PurposePrices);
        Assert.Equal(("city-planning", "free"), (price.Purpose, price.Pricing!.Model));
    }

    [Fact]
    public async Task The_offering_page_shows_back_the_statistics_terms_and_the_prices_by_purpose_set_on_the_form()
    {
        var (listing, browser) = await ProviderAsync();
        var id = MarketplaceDriver.UniqueId("off");
        var response = await browser.PostFormAsync("/console/provider/offerings/new", "offering", StatisticsTerms(listing.DatasetId, id));

        var html = WebUtility.HtmlDecode(await browser.Client.GetStringAsync(response.Headers.Location));

        Assert.Contains("10人未満のグループは秘匿されます。", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\"><code>city-planning</code></th>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dimension_that_is_no_field_is_refused_with_the_apis_words_and_the_form_keeps_what_was_typed()
    {
        var (listing, browser) = await ProviderAsync();
        var id = MarketplaceDriver.UniqueId("off");
        var terms = StatisticsTerms(listing.DatasetId, id);
        terms["AggregateDimensions"] = "ward";
        var api = await MarketplaceDriver.Problem(await listing.Provider.Client.PostAsJsonAsync("/api/v1/offerings", new
        {
            datasetId = listing.DatasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 300, unit = "request" },
            policy = new { purposes = new[] { "city-planning", "commercial-marketing" }, aggregates = new { dimensions = new[] { "ward" }, measures = new[] { "lat" }, k = 10, roundingStep = 50 } },
        }), HttpStatusCode.BadRequest);

        var response = await browser.PostFormAsync("/console/provider/offerings/new", "offering", terms);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains($"統計の条件を受け付けられませんでした：{api.GetProperty("detail").GetString()}", html, StringComparison.Ordinal);
        Assert.Contains("name=\"AggregateDimensions\" type=\"text\" value=\"ward\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"PurposePrice0.Purpose\" type=\"text\" maxlength=\"64\" value=\"city-planning\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await listing.Provider.Client.GetAsync($"/api/v1/offerings/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_price_for_a_purpose_the_policy_does_not_permit_is_refused_and_creates_nothing()
    {
        var (listing, browser) = await ProviderAsync();
        var id = MarketplaceDriver.UniqueId("off");
        var terms = StatisticsTerms(listing.DatasetId, id);
        terms["PurposePrice0.Purpose"] = "insurance-underwriting";

        var html = WebUtility.HtmlDecode(await (await browser.PostFormAsync("/console/provider/offerings/new", "offering", terms)).Content.ReadAsStringAsync());

        Assert.Contains("利用目的別の価格を受け付けられませんでした：The policy does not permit the purpose 'insurance-underwriting'", html, StringComparison.Ordinal);
        Assert.Contains("value=\"insurance-underwriting\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await listing.Provider.Client.GetAsync($"/api/v1/offerings/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_k_that_is_not_a_number_is_refused_in_the_readers_language()
    {
        var (listing, browser) = await ProviderAsync();
        var terms = StatisticsTerms(listing.DatasetId, MarketplaceDriver.UniqueId("off"));
        terms["AggregateK"] = "ten";

        var html = WebUtility.HtmlDecode(await (await browser.PostFormAsync("/console/provider/offerings/new", "offering", terms)).Content.ReadAsStringAsync());

        Assert.Contains("公開する最小のグループ（k）：0 以上の整数で書いてください。", html, StringComparison.Ordinal);
        Assert.Contains("name=\"AggregateK\" type=\"text\" inputmode=\"numeric\" value=\"ten\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_edit_form_shows_the_stored_statistics_terms_and_prices_and_saves_changes_to_them()
    {
        var (listing, browser) = await ProviderAsync();
        var id = MarketplaceDriver.UniqueId("off");
        await browser.PostFormAsync("/console/provider/offerings/new", "offering", StatisticsTerms(listing.DatasetId, id));
        var before = await OfferingAsync(listing.Provider, id);
        var edit = $"/console/provider/offerings/{id}/edit";
        var shown = await browser.Client.GetStringAsync(edit);

        var terms = StatisticsTerms(listing.DatasetId, id);
        terms.Remove("DatasetId");
        terms.Remove("Id");
        terms["Version"] = before.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        terms["AggregateK"] = "20";
        terms["AggregateAccess"] = "also";
        terms["PurposePrice1.Purpose"] = "commercial-marketing";
        terms["PurposePrice1.Model"] = "per-unit";
        terms["PurposePrice1.Amount"] = "500";
        var response = await browser.PostFormAsync(edit, "edit-offering", terms);

        Assert.Contains("name=\"AggregateK\" type=\"text\" inputmode=\"numeric\" value=\"10\"", shown, StringComparison.Ordinal);
        Assert.Contains("name=\"PurposePrice0.Purpose\" type=\"text\" maxlength=\"64\" value=\"city-planning\"", shown, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await OfferingAsync(listing.Provider, id);
        Assert.Equal((20, false), (after.Policy.Aggregates!.K, after.Policy.Aggregates.AggregateOnly));
        Assert.Equal(["city-planning", "commercial-marketing"], after.PurposePrices.Select(p => p.Purpose));
        Assert.Equal(500, after.PurposePrices[1].Pricing!.Amount);
    }

    [Fact]
    public async Task Emptying_the_statistics_fields_and_price_rows_on_the_edit_form_removes_them()
    {
        var (listing, browser) = await ProviderAsync();
        var id = MarketplaceDriver.UniqueId("off");
        await browser.PostFormAsync("/console/provider/offerings/new", "offering", StatisticsTerms(listing.DatasetId, id));
        var before = await OfferingAsync(listing.Provider, id);
        var terms = StatisticsTerms(listing.DatasetId, id);
        terms["Version"] = before.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var field in new[] { "AggregateDimensions", "AggregateMeasures", "AggregateK", "AggregateRoundingStep", "PurposePrice0.Purpose" })
        {
            terms[field] = "";
        }

        var response = await browser.PostFormAsync($"/console/provider/offerings/{id}/edit", "edit-offering", terms);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await OfferingAsync(listing.Provider, id);
        Assert.Null(after.Policy.Aggregates);
        Assert.Empty(after.PurposePrices);
    }
}
