using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Domain;

namespace Marketplace.Host.Tests;

/// <summary>Open data downloads: a free public offering of public data under an open licence downloads whole without a key.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OpenDataDownloadTests(MarketplaceFixture fixture)
{
    private static readonly object Free = new { model = "free", currency = "JPY" };

    private MarketplaceDriver Driver => fixture.Driver;

    private Task<Listing> OpenDataAsync(int records = 3) => Driver.ListedOfferingAsync(records, pricing: Free, cls: "public");

    [Fact]
    public async Task Csv_download_holds_the_header_in_schema_order_and_every_record_quoted_per_rfc_4180()
    {
        var listing = await OpenDataAsync();
        using var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.GetAsync($"/api/v1/offerings/{listing.OfferingId}/download?format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"{listing.OfferingId}.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(
            "stop_id,name,district,lat\r\n"
            + "S00001,\"Stop 1, north\",west,35.0001\r\n"
            + "S00002,\"Stop 2, north\",east,35.0002\r\n"
            + "S00003,\"Stop 3, north\",west,35.0003\r\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Csv_download_doubles_quotes_keeps_japanese_and_leaves_a_missing_value_empty()
    {
        var listing = await OpenDataAsync();
        await MarketplaceDriver.UploadCsvAsync(listing.Provider, listing.DatasetId,
            "stop_id,name,district,lat\nS1,\"Say \"\"hi\"\"\",,35.5\nS2,駅前\\東口,\"line\nbreak\",36\n");
        using var anonymous = fixture.Factory.CreateClient();

        var body = await anonymous.GetStringAsync($"/api/v1/offerings/{listing.OfferingId}/download?format=csv");

        Assert.Equal("stop_id,name,district,lat\r\nS1,\"Say \"\"hi\"\"\",,35.5\r\nS2,駅前\\東口,\"line\nbreak\",36\r\n", body);
    }

    [Fact]
    public async Task Json_lines_download_holds_one_record_object_a_line()
    {
        var listing = await OpenDataAsync();
        using var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.GetAsync($"/api/v1/offerings/{listing.OfferingId}/download?format=jsonl");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jsonl; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal($"{listing.OfferingId}.jsonl", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["S00001", "S00002", "S00003"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("stop_id").GetString()));
        Assert.Equal("Stop 2, north", JsonDocument.Parse(lines[1]).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_download_pages_through_a_revision_larger_than_one_store_page()
    {
        var listing = await OpenDataAsync(records: 2_500);
        using var anonymous = fixture.Factory.CreateClient();

        var body = await anonymous.GetStringAsync($"/api/v1/offerings/{listing.OfferingId}/download?format=csv");

        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2_501, lines.Length);
        Assert.StartsWith("S02500,", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_format_other_than_csv_or_jsonl_answers_400_naming_both()
    {
        var listing = await OpenDataAsync();
        using var anonymous = fixture.Factory.CreateClient();

        var problem = await MarketplaceDriver.Problem(await anonymous.GetAsync($"/api/v1/offerings/{listing.OfferingId}/download?format=xlsx"), HttpStatusCode.BadRequest);

        Assert.Contains("csv", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("jsonl", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("private class")]
    [InlineData("priced")]
    [InlineData("draft")]
    [InlineData("delisted")]
    [InlineData("named-buyer private")]
    [InlineData("unknown id")]
    public async Task What_is_not_open_data_answers_404_problem_details_and_is_not_counted(string refusal)
    {
        var id = await OfferingFor(refusal);
        using var anonymous = fixture.Factory.CreateClient();

        var problem = await MarketplaceDriver.Problem(await anonymous.GetAsync($"/api/v1/offerings/{id}/download?format=csv"), HttpStatusCode.NotFound);

        Assert.Contains(problem.GetProperty("code").GetString(), new[] { "offering.not-found", "offering.not-downloadable" });
        var counts = await Driver.Operator.GetAsync($"/api/v1/offerings/{id}/downloads");
        if (counts.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal(0, (await counts.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt64());
        }
    }

    [Fact]
    public async Task A_hostile_id_answers_400_problem_details_as_on_every_route()
    {
        using var anonymous = fixture.Factory.CreateClient();

        var problem = await MarketplaceDriver.Problem(
            await anonymous.GetAsync($"/api/v1/offerings/{Uri.EscapeDataString("../../etc/passwd'<script>")}/download?format=csv"), HttpStatusCode.BadRequest);

        Assert.Equal("id.invalid", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Two_downloads_at_once_count_two_on_the_billing_day_and_nothing_is_metered()
    {
        var listing = await OpenDataAsync();
        using var anonymous = fixture.Factory.CreateClient();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(fixture.Factory.Time.GetUtcNow(), BillingPeriod.DefaultZone).DateTime);

        var responses = await Task.WhenAll(
            anonymous.GetAsync($"/api/v1/offerings/{listing.OfferingId}/download?format=csv"),
            anonymous.GetAsync($"/api/v1/offerings/{listing.OfferingId}/download?format=jsonl"));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var counts = await MarketplaceDriver.Ok<JsonElement>(await listing.Provider.Client.GetAsync($"/api/v1/offerings/{listing.OfferingId}/downloads"), HttpStatusCode.OK);
        Assert.Equal(2, counts.GetProperty("total").GetInt64());
        var day = Assert.Single(counts.GetProperty("days").EnumerateArray());
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day.GetProperty("day").GetString());
        Assert.Equal(2, day.GetProperty("downloads").GetInt64());
        var usage = await MarketplaceDriver.Ok<JsonElement>(await listing.Provider.Client.GetAsync("/api/v1/usage"), HttpStatusCode.OK);
        Assert.Equal(0, usage.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Download_counts_are_for_the_operator_and_the_providing_party_only()
    {
        var listing = await OpenDataAsync();
        var otherProvider = await Driver.CreatePartyAsync("provider");
        var buyer = await Driver.CreatePartyAsync("buyer");
        var url = $"/api/v1/offerings/{listing.OfferingId}/downloads";

        Assert.Equal(HttpStatusCode.OK, (await Driver.Operator.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await listing.Provider.Client.GetAsync(url)).StatusCode);
        await MarketplaceDriver.Problem(await otherProvider.Client.GetAsync(url), HttpStatusCode.NotFound);
        await MarketplaceDriver.Problem(await buyer.Client.GetAsync(url), HttpStatusCode.Forbidden);
    }

    private async Task<string> OfferingFor(string refusal)
    {
        switch (refusal)
        {
            case "private class":
                return (await Driver.ListedOfferingAsync(3, pricing: Free, cls: "private")).OfferingId;
            case "priced":
                // Public-class data is free by rule (offering.public-must-be-free): priced data is of the private class.
                return (await Driver.ListedOfferingAsync(3, pricing: new { model = "flat", currency = "JPY", amount = 30_000 }, cls: "private")).OfferingId;
            case "draft":
            {
                var listing = await OpenDataAsync();
                var draftId = MarketplaceDriver.UniqueId("off");
                await MarketplaceDriver.CreateOfferingAsync(listing.Provider, new { id = draftId, listing.DatasetId, pricing = Free, visibility = "public" });
                return draftId;
            }
            case "delisted":
            {
                var listing = await OpenDataAsync();
                (await listing.Provider.Client.PostAsync($"/api/v1/offerings/{listing.OfferingId}/delist", null)).EnsureSuccessStatusCode();
                return listing.OfferingId;
            }
            case "named-buyer private":
            {
                var buyer = await Driver.CreatePartyAsync("buyer");
                return (await Driver.ListedOfferingAsync(3, pricing: Free, cls: "public", visibility: "private", buyers: [buyer.Id])).OfferingId;
            }
            default:
                return MarketplaceDriver.UniqueId("off");
        }
    }
}
