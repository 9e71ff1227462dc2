using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Grains;
using Marketplace.Host.Tests.Web;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests;

/// <summary>
/// The city evaluation over the API: what each series counts, the ranges it accepts, and its CSV. The marketplace
/// is shared with other tests (run one at a time in this collection), so a test compares before and after its
/// own action, or looks for its own dataset. Runs on both stores.
/// </summary>
public abstract class CityEvaluationTests(MarketplaceFixture fixture)
{
    private static readonly object Free = new { model = "free", currency = "JPY" };

    private MarketplaceDriver Driver => fixture.Driver;

    private DateOnly Today
    {
        get
        {
            var calendar = fixture.Factory.Services.GetRequiredService<BillingCalendar>();
            return calendar.DayOf(calendar.Now);
        }
    }

    /// <summary>A person of a new operator party, signed in to the pages (pages take a session, never a key).</summary>
    private async Task<HttpClient> SignedInAsync(string role = "operator")
    {
        var party = await Driver.CreatePartyAsync(role);
        var person = await Driver.EnrolPersonAsync(party.Id);
        return (await new PageSession(fixture.Factory).SignedInAsync(person.SignIn, person.OneTimePassword)).Client;
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<JsonElement> EvaluationAsync(string query = "") =>
        await MarketplaceDriver.Ok<JsonElement>(await Driver.Operator.GetAsync($"/api/v1/evaluation{query}"), HttpStatusCode.OK);

    private static long TodayOf(JsonElement report, string series, string column) =>
        report.GetProperty(series).EnumerateArray().Last().GetProperty(column).GetInt64();

    /// <summary>A buyer with an active contract on the listing that has read <paramref name="records"/> records today.</summary>
    private async Task ReadAsync(Listing listing, int records)
    {
        var buyer = await Driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var response = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit={records}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Records_read_today_count_as_usage_of_their_dataset_on_todays_billing_day()
    {
        var listing = await Driver.ListedOfferingAsync(records: 5);
        await ReadAsync(listing, 3);

        var report = await EvaluationAsync();

        var row = report.GetProperty("usagePerDataset").EnumerateArray().Single(r => r.GetProperty("datasetId").GetString() == listing.DatasetId);
        Assert.Equal((Iso(Today), "Bus stops 停留所", "private", 3L, 1L),
            (row.GetProperty("day").GetString(), row.GetProperty("title").GetString(), row.GetProperty("datasetClass").GetString(),
             row.GetProperty("units").GetInt64(), row.GetProperty("events").GetInt64()));
    }

    [Fact]
    public async Task Usage_per_day_adds_the_units_to_todays_class_column()
    {
        var listing = await Driver.ListedOfferingAsync(records: 5);
        var before = await EvaluationAsync();

        await ReadAsync(listing, 4);
        var after = await EvaluationAsync();

        Assert.Equal(TodayOf(before, "usagePerDay", "private") + 4, TodayOf(after, "usagePerDay", "private"));
        Assert.Equal(before.GetProperty("usageByClass").GetProperty("private").GetInt64() + 4, after.GetProperty("usageByClass").GetProperty("private").GetInt64());
    }

    [Fact]
    public async Task Top_datasets_are_at_most_ten_in_descending_order_of_units()
    {
        await ReadAsync(await Driver.ListedOfferingAsync(records: 2), 2);

        var top = (await EvaluationAsync()).GetProperty("topDatasets").EnumerateArray().Select(d => d.GetProperty("units").GetInt64()).ToList();

        Assert.InRange(top.Count, 1, 10);
        Assert.Equal(top.OrderDescending(), top);
    }

    [Fact]
    public async Task An_active_contract_counts_under_its_dataset_class()
    {
        var listing = await Driver.ListedOfferingAsync(records: 1, pricing: Free, cls: "public");
        var before = (await EvaluationAsync()).GetProperty("activeContracts");

        await MarketplaceDriver.SubscribeAsync(await Driver.CreatePartyAsync("buyer"), listing.OfferingId, "research");
        var after = (await EvaluationAsync()).GetProperty("activeContracts");

        Assert.Equal(before.GetProperty("public").GetInt64() + 1, after.GetProperty("public").GetInt64());
        Assert.Equal(before.GetProperty("total").GetInt64() + 1, after.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_new_offering_counts_as_a_new_listing_on_the_day_it_was_created()
    {
        var before = await EvaluationAsync();

        await Driver.ListedOfferingAsync(records: 1, cls: "private");
        var after = await EvaluationAsync();

        Assert.Equal(TodayOf(before, "newListingsPerDay", "private") + 1, TodayOf(after, "newListingsPerDay", "private"));
    }

    [Fact]
    public async Task An_open_data_download_counts_on_todays_billing_day()
    {
        var listing = await Driver.ListedOfferingAsync(records: 2, pricing: Free, cls: "public");
        var before = await EvaluationAsync();

        using var anonymous = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/offerings/{listing.OfferingId}/download?format=csv")).StatusCode);
        var after = await EvaluationAsync();

        Assert.Equal(TodayOf(before, "downloadsPerDay", "count") + 1, TodayOf(after, "downloadsPerDay", "count"));
    }

    [Fact]
    public async Task Without_a_range_the_evaluation_covers_the_last_30_billing_days_ending_today()
    {
        var report = await EvaluationAsync();

        var days = report.GetProperty("usagePerDay").EnumerateArray().Select(d => d.GetProperty("day").GetString()).ToList();
        Assert.Equal((Iso(Today.AddDays(-29)), Iso(Today)), (report.GetProperty("from").GetString(), report.GetProperty("to").GetString()));
        Assert.Equal(30, days.Count);
        Assert.Equal((Iso(Today.AddDays(-29)), Iso(Today)), (days[0], days[^1]));
        Assert.Equal("Asia/Tokyo", report.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task A_range_of_366_days_is_answered_day_by_day()
    {
        var report = await EvaluationAsync($"?from={Iso(Today.AddDays(-365))}&to={Iso(Today)}");

        Assert.Equal(366, report.GetProperty("downloadsPerDay").GetArrayLength());
        Assert.Equal(366, report.GetProperty("newListingsPerDay").GetArrayLength());
    }

    [Theory]
    [InlineData("?from=2026-13-01", "from.invalid")]
    [InlineData("?to=30-11-2026", "to.invalid")]
    [InlineData("?from=2026-11-05&to=2026-11-04", "from.invalid")]
    [InlineData("?from=2025-11-09&to=2026-11-10", "from.invalid")]
    [InlineData("?to=2099-01-01", "to.invalid")]
    [InlineData("?from=0001-01-01&to=0001-01-02", "from.invalid")]
    public async Task A_malformed_reversed_future_or_too_long_range_is_refused_with_the_reason(string query, string code)
    {
        var problem = await MarketplaceDriver.Problem(await Driver.Operator.GetAsync($"/api/v1/evaluation{query}"), HttpStatusCode.BadRequest);

        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_series_downloads_as_utf8_csv_with_a_header_row_and_iso_dates()
    {
        var response = await Driver.Operator.GetAsync($"/api/v1/evaluation/downloads.csv?from={Iso(Today.AddDays(-1))}&to={Iso(Today)}");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal($"evaluation-downloads-{Iso(Today.AddDays(-1))}-{Iso(Today)}.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = csv.Split("\r\n");
        Assert.Equal("day,downloads", lines[0]);
        Assert.StartsWith($"{Iso(Today.AddDays(-1))},", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{Iso(Today)},", lines[2], StringComparison.Ordinal);
        Assert.Equal("", lines[3]);
    }

    [Fact]
    public async Task A_dataset_title_a_spreadsheet_would_run_as_a_formula_downloads_as_text()
    {
        var provider = await Driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        var dataset = JsonSerializer.SerializeToNode(MarketplaceDriver.BusStopsDataset(datasetId, "private"))!;
        dataset["title"] = "=HYPERLINK(\"http://evil.example\",\"x\")";
        await Driver.CreateDatasetAsync(provider, dataset);
        await MarketplaceDriver.UploadCsvAsync(provider, datasetId, MarketplaceDriver.BusStopsCsv(2));
        var offeringId = MarketplaceDriver.UniqueId("off");
        await MarketplaceDriver.CreateOfferingAsync(provider, new { id = offeringId, datasetId, pricing = Free, policy = new { purposes = new[] { "research" } }, approval = "automatic" });
        await MarketplaceDriver.PublishAsync(provider, offeringId);
        await ReadAsync(new Listing(provider, datasetId, offeringId), 1);

        var csv = await Driver.Operator.GetStringAsync("/api/v1/evaluation/usage-per-dataset.csv");

        var lines = csv.Split("\r\n");
        Assert.Equal("day,dataset_id,title,class,units,events", lines[0]);
        Assert.Contains($"{Iso(Today)},{datasetId},\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",private,1,1", lines);
    }

    [Fact]
    public async Task A_series_name_that_is_not_a_slug_answers_400()
    {
        var problem = await MarketplaceDriver.Problem(await Driver.Operator.GetAsync("/api/v1/evaluation/Top-Datasets.csv"), HttpStatusCode.BadRequest);

        Assert.Equal("series.invalid", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_series_answers_404_naming_the_series()
    {
        var problem = await MarketplaceDriver.Problem(await Driver.Operator.GetAsync("/api/v1/evaluation/everything.csv"), HttpStatusCode.NotFound);

        Assert.Equal("evaluation.series-not-found", problem.GetProperty("code").GetString());
        Assert.Contains("usage-per-day", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_evaluation_page_shows_every_chart_with_its_csv_link_for_the_range_in_the_query()
    {
        var from = Iso(Today.AddDays(-6));
        var to = Iso(Today);

        var html = await (await SignedInAsync()).GetStringAsync($"/console/operator/evaluation?from={from}&to={to}");

        foreach (var chart in new[] { "usage-per-day", "usage-by-class", "top-datasets", "active-contracts", "new-listings", "downloads" })
        {
            Assert.Contains($"<figure class=\"chart\" id=\"{chart}\">", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"/console/operator/evaluation/{chart}.csv?from={from}&amp;to={to}\" download", html, StringComparison.Ordinal);
        }
        Assert.Contains($"<input type=\"date\" id=\"from\" name=\"from\" value=\"{from}\" />", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_evaluation_page_says_when_a_range_cannot_be_shown()
    {
        var html = await (await SignedInAsync()).GetStringAsync("/console/operator/evaluation?from=2026-11-05&to=2026-11-01");

        Assert.Contains("<p class=\"notice\" role=\"alert\">この期間は表示できません。", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<figure", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_s_csv_link_downloads_the_series_for_the_operator()
    {
        var response = await (await SignedInAsync()).GetAsync($"/console/operator/evaluation/active-contracts.csv?from={Iso(Today)}&to={Iso(Today)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("class,contracts\r\npublic,", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/operator/evaluation")]
    [InlineData("/console/operator/evaluation/downloads.csv")]
    public async Task The_page_and_its_csv_send_a_visitor_to_sign_in(string path)
    {
        using var anonymous = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", new Uri(new Uri("http://localhost"), response.Headers.Location!).AbsolutePath);
    }

    [Theory]
    [InlineData("/console/operator/evaluation")]
    [InlineData("/console/operator/evaluation/downloads.csv")]
    public async Task The_page_and_its_csv_are_refused_to_a_signed_in_buyer(string path)
    {
        var buyer = await SignedInAsync("buyer");

        var response = await buyer.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/forbidden", new Uri(new Uri("http://localhost"), response.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task The_page_takes_no_api_key()
    {
        using var withKey = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        withKey.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.Factory.OperatorKey);

        var response = await withKey.GetAsync("/console/operator/evaluation/downloads.csv");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }
}

[Collection(MarketplaceCollection.Name)]
public sealed class SqliteCityEvaluationTests(MarketplaceFixture fixture) : CityEvaluationTests(fixture);

[Collection(CosmosMarketplaceCollection.Name)]
public sealed class CosmosCityEvaluationTests(CosmosMarketplaceFixture fixture) : CityEvaluationTests(fixture);
