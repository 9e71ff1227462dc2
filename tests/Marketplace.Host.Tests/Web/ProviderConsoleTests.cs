using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Datasets;
using Marketplace.Host.Features.Offerings;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The provider console: every form calls the same service as the API, answers another provider's ids as
/// missing, refuses other roles and refuses posts without the form's token.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class ProviderConsoleTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private Task<PageSession> SignedInAsync(Party party) => PageSession.ForPartyAsync(fixture, party);

    /// <summary>Opens the dataset's page and posts its upload form with <paramref name="csv"/> as the file, as a browser does (token first).</summary>
    private static async Task<HttpResponseMessage> UploadAsync(PageSession browser, string datasetId, string csv, string fileName = "stops.csv", string? tokenFrom = null)
    {
        var token = PageSession.TokenIn(await browser.Client.GetStringAsync(tokenFrom ?? $"/console/provider/datasets/{datasetId}"));
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "Records", fileName);
        return await browser.Client.PostAsync($"/console/provider/datasets/{datasetId}/revisions", form);
    }

    /// <summary>Uploads, follows the redirect to the dataset's page and answers that page.</summary>
    private static async Task<string> UploadAndShowAsync(PageSession browser, string datasetId, string csv, string fileName = "stops.csv")
    {
        var response = await UploadAsync(browser, datasetId, csv, fileName);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await browser.Client.GetStringAsync(response.Headers.Location);
    }

    private static async Task<DatasetResponse> DatasetAsync(Listing listing) =>
        (await listing.Provider.Client.GetFromJsonAsync<DatasetResponse>($"/api/v1/datasets/{listing.DatasetId}", MarketplaceDriver.Json))!;

    [Fact]
    public async Task The_overview_lists_the_providers_datasets_offerings_and_this_periods_earnings()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        (await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=3")).EnsureSuccessStatusCode();
        var browser = await SignedInAsync(listing.Provider);

        var html = await browser.Client.GetStringAsync("/console/provider");

        Assert.Contains($"href=\"/console/provider/datasets/{listing.DatasetId}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/console/provider/offerings/{listing.OfferingId}\"", html, StringComparison.Ordinal);
        Assert.Contains("掲載中", html, StringComparison.Ordinal);
        Assert.Contains("3件", html, StringComparison.Ordinal);
        Assert.Contains("¥6", html, StringComparison.Ordinal);
        Assert.Contains("提供ごとのこれまでの料金", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_file_uploaded_from_the_form_publishes_a_revision_as_the_api_does()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(listing.Provider);

        var response = await UploadAsync(browser, listing.DatasetId, MarketplaceDriver.BusStopsCsv(5));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var dataset = await DatasetAsync(listing);
        Assert.Equal(2, dataset.Revisions.Count);
        Assert.Equal(5, dataset.Revisions[^1].Records);
        Assert.Equal($"/console/provider/datasets/{listing.DatasetId}?published={dataset.Revisions[^1].RevisionId}", response.Headers.Location?.ToString());
        var shown = await browser.Client.GetStringAsync(response.Headers.Location);
        Assert.Contains($"版 {dataset.Revisions[^1].RevisionId} を公開しました（5 レコード）", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_one_bad_line_publishes_nothing_and_shows_that_lines_error_next_to_the_form()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(listing.Provider);
        var csv = "stop_id,name,district,lat\nS1,First,east,35.1\nS2,,west,north\n";

        var html = await UploadAndShowAsync(browser, listing.DatasetId, csv);

        Assert.Contains("id=\"upload-errors\"", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"number\">3</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>name</td>", html, StringComparison.Ordinal);
        Assert.Contains("値が必要です", html, StringComparison.Ordinal);
        Assert.Contains("<td>lat</td>", html, StringComparison.Ordinal);
        Assert.Contains("何も公開されませんでした。問題が 2 件あります。", html, StringComparison.Ordinal);
        Assert.Single((await DatasetAsync(listing)).Revisions);
    }

    [Fact]
    public async Task A_file_of_another_kind_is_refused_in_the_readers_language()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(listing.Provider);

        var html = await UploadAndShowAsync(browser, listing.DatasetId, "stop_id\tname\n", "stops.xlsx");

        Assert.Contains("CSV ファイル（.csv）か JSON Lines ファイル（.jsonl）をアップロードしてください。", html, StringComparison.Ordinal);
        Assert.Single((await DatasetAsync(listing)).Revisions);
    }

    [Fact]
    public async Task Retiring_a_revision_from_the_form_retires_it_as_the_api_does()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        await MarketplaceDriver.UploadCsvAsync(listing.Provider, listing.DatasetId, MarketplaceDriver.BusStopsCsv(4));
        var first = (await DatasetAsync(listing)).Revisions[0].RevisionId;
        var browser = await SignedInAsync(listing.Provider);

        var response = await browser.PostFormAsync($"/console/provider/datasets/{listing.DatasetId}", "retire", new Dictionary<string, string> { ["Revision"] = first });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"版 {first} を廃止しました", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("retired", (await DatasetAsync(listing)).Revisions[0].Status);
    }

    [Fact]
    public async Task Another_providers_dataset_and_offering_pages_are_not_found()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var other = await SignedInAsync(await _driver.CreatePartyAsync("provider"));

        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/console/provider/datasets/{listing.DatasetId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/console/provider/offerings/{listing.OfferingId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/console/provider/offerings/{listing.OfferingId}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync("/console/provider/datasets/NOT%20AN%20ID")).StatusCode);
    }

    [Fact]
    public async Task An_upload_to_another_providers_dataset_is_not_found_and_publishes_nothing()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var other = await SignedInAsync(await _driver.CreatePartyAsync("provider"));

        var response = await UploadAsync(other, listing.DatasetId, MarketplaceDriver.BusStopsCsv(2), tokenFrom: "/console/provider");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync(response.Headers.Location)).StatusCode);
        Assert.Single((await DatasetAsync(listing)).Revisions);
    }

    [Fact]
    public async Task An_upload_without_the_forms_token_is_refused_and_publishes_nothing()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(listing.Provider);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(MarketplaceDriver.BusStopsCsv(2))), "Records", "stops.csv" } };

        var response = await browser.Client.PostAsync($"/console/provider/datasets/{listing.DatasetId}/revisions", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single((await DatasetAsync(listing)).Revisions);
    }

    [Fact]
    public async Task Another_provider_cannot_read_the_lines_of_a_rejected_upload()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(listing.Provider);
        var rejected = (await UploadAsync(browser, listing.DatasetId, "stop_id,name,district,lat\nS1,,east,35.1\n")).Headers.Location!.ToString();
        var sameParty = await SignedInAsync(listing.Provider);
        var ownView = await sameParty.Client.GetStringAsync(rejected);
        var otherProvider = await SignedInAsync(await _driver.CreatePartyAsync("provider"));

        var other = await otherProvider.Client.GetAsync(rejected);

        Assert.Contains("id=\"upload-errors\"", ownView, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.DoesNotContain("upload-errors", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buyer_is_sent_to_the_forbidden_page_from_every_provider_console_page()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var buyer = await SignedInAsync(await _driver.CreatePartyAsync("buyer"));

        foreach (var page in new[] { "/console/provider", "/console/provider/requests", "/console/provider/offerings/new",
                     $"/console/provider/datasets/{listing.DatasetId}", $"/console/provider/offerings/{listing.OfferingId}",
                     $"/console/provider/offerings/{listing.OfferingId}/edit" })
        {
            var response = await buyer.Client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("http://localhost/forbidden", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_form_posted_without_its_token_is_refused_and_changes_nothing()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(listing.Provider);
        var first = (await DatasetAsync(listing)).Revisions[0].RevisionId;

        var forged = await browser.Client.PostAsync($"/console/provider/datasets/{listing.DatasetId}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "retire", ["Revision"] = first }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("published", (await DatasetAsync(listing)).Revisions[0].Status);
    }

    [Fact]
    public async Task The_create_form_makes_a_draft_offering_with_the_terms_given()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(listing.Provider);
        var id = MarketplaceDriver.UniqueId("off");

        var response = await browser.PostFormAsync("/console/provider/offerings/new", "offering", new Dictionary<string, string>
        {
            ["DatasetId"] = listing.DatasetId, ["Id"] = id, ["Title"] = "Stops for planners", ["Description"] = "All stops.",
            ["Model"] = "per-unit", ["Amount"] = "3", ["Unit"] = "record", ["UnitBlock"] = "",
            ["Purposes"] = "research, planning", ["TermDays"] = "30", ["MaxUnits"] = "1000", ["NoRedistribution"] = "on",
            ["Visibility"] = "public", ["Buyers"] = "", ["Approval"] = "provider", ["Preview"] = "on",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"http://localhost/console/provider/offerings/{id}", response.Headers.Location?.ToString());
        var offering = (await listing.Provider.Client.GetFromJsonAsync<OfferingResponse>($"/api/v1/offerings/{id}", MarketplaceDriver.Json))!;
        Assert.Equal("draft", offering.Status);
        Assert.Equal(["research", "planning"], offering.Policy.Purposes);
        Assert.Equal(30, offering.Policy.TermDays);
        Assert.Equal(1000, offering.Policy.MaxUnitsPerPeriod);
        Assert.True(offering.Policy.RedistributionProhibited);
        Assert.Equal(3, offering.Pricing.Amount);
        Assert.Equal("provider", offering.Approval);
        Assert.True(offering.Preview);
    }

    [Fact]
    public async Task Offering_another_providers_dataset_from_the_form_answers_not_found_and_creates_nothing()
    {
        var theirs = await _driver.ListedOfferingAsync(records: 3);
        var mine = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(mine.Provider);
        var id = MarketplaceDriver.UniqueId("off");

        var response = await browser.PostFormAsync("/console/provider/offerings/new", "offering", new Dictionary<string, string>
        {
            ["DatasetId"] = theirs.DatasetId, ["Id"] = id, ["Title"] = "Not mine", ["Model"] = "free",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"あなたのデータセット {theirs.DatasetId} はありません。", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await mine.Provider.Client.GetAsync($"/api/v1/offerings/{id}")).StatusCode);
    }

    [Fact]
    public async Task Delisting_and_publishing_from_the_offering_page_change_its_status_as_the_api_does()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var browser = await SignedInAsync(listing.Provider);
        var page = $"/console/provider/offerings/{listing.OfferingId}";

        await browser.PostFormAsync(page, "delist", new Dictionary<string, string>());
        var delisted = (await listing.Provider.Client.GetFromJsonAsync<OfferingResponse>($"/api/v1/offerings/{listing.OfferingId}", MarketplaceDriver.Json))!;
        await browser.PostFormAsync(page, "publish", new Dictionary<string, string>());
        var listed = (await listing.Provider.Client.GetFromJsonAsync<OfferingResponse>($"/api/v1/offerings/{listing.OfferingId}", MarketplaceDriver.Json))!;

        Assert.Equal("delisted", delisted.Status);
        Assert.Equal("listed", listed.Status);
    }

    [Fact]
    public async Task Pending_requests_are_approved_or_rejected_with_a_reason_from_the_requests_page()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, approval: "provider");
        var first = await MarketplaceDriver.SubscribeAsync(await _driver.CreatePartyAsync("buyer"), listing.OfferingId, "research");
        var second = await MarketplaceDriver.SubscribeAsync(await _driver.CreatePartyAsync("buyer"), listing.OfferingId, "research");
        var browser = await SignedInAsync(listing.Provider);

        var listed = await browser.Client.GetStringAsync("/console/provider/requests");
        var approved = await (await browser.PostFormAsync("/console/provider/requests", "decide", new Dictionary<string, string> { ["Approve"] = first.Id })).Content.ReadAsStringAsync();
        await browser.PostFormAsync("/console/provider/requests", "decide",
            new Dictionary<string, string> { ["Reject"] = second.Id, [$"reason-{second.Id}"] = "Only for city partners" });

        Assert.Contains(first.Id, listed, StringComparison.Ordinal);
        Assert.Contains(second.Id, listed, StringComparison.Ordinal);
        Assert.Contains($"契約 {first.Id} を承認しました。", approved, StringComparison.Ordinal);
        var contracts = listing.Provider.Client;
        var a = (await contracts.GetFromJsonAsync<ContractResponse>($"/api/v1/contracts/{first.Id}", MarketplaceDriver.Json))!;
        var r = (await contracts.GetFromJsonAsync<ContractResponse>($"/api/v1/contracts/{second.Id}", MarketplaceDriver.Json))!;
        Assert.Equal("active", a.Status);
        Assert.Equal("rejected", r.Status);
        Assert.Contains(r.History, e => e.Reason == "Only for city partners");
    }

    [Fact]
    public async Task Approving_another_providers_contract_from_the_form_answers_not_found_and_changes_nothing()
    {
        var theirs = await _driver.ListedOfferingAsync(records: 3, approval: "provider");
        var contract = await MarketplaceDriver.SubscribeAsync(await _driver.CreatePartyAsync("buyer"), theirs.OfferingId, "research");
        var other = await SignedInAsync(await _driver.CreatePartyAsync("provider"));

        var html = await (await other.PostFormAsync("/console/provider/requests", "decide", new Dictionary<string, string> { ["Approve"] = contract.Id })).Content.ReadAsStringAsync();

        Assert.Contains($"あなたの提供に契約 {contract.Id} はありません。", html, StringComparison.Ordinal);
        var after = (await theirs.Provider.Client.GetFromJsonAsync<ContractResponse>($"/api/v1/contracts/{contract.Id}", MarketplaceDriver.Json))!;
        Assert.Equal("requested", after.Status);
    }

    private static Dictionary<string, string> EditedTerms(long version) => new()
    {
        ["Version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Title"] = "Stops, edited", ["Description"] = "",
        ["Model"] = "per-unit", ["Amount"] = "5", ["Unit"] = "record", ["UnitBlock"] = "", ["Purposes"] = "research",
        ["TermDays"] = "", ["MaxUnits"] = "", ["Visibility"] = "public", ["Buyers"] = "", ["Approval"] = "automatic", ["Preview"] = "",
    };

    private static async Task<OfferingResponse> OfferingAsync(Listing listing) =>
        (await listing.Provider.Client.GetFromJsonAsync<OfferingResponse>($"/api/v1/offerings/{listing.OfferingId}", MarketplaceDriver.Json))!;

    [Fact]
    public async Task The_edit_form_replaces_the_terms_as_the_apis_put_does()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var before = await OfferingAsync(listing);
        var browser = await SignedInAsync(listing.Provider);

        var response = await browser.PostFormAsync($"/console/provider/offerings/{listing.OfferingId}/edit", "edit-offering", EditedTerms(before.Version));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await OfferingAsync(listing);
        Assert.Equal("Stops, edited", after.Title);
        Assert.Equal(5, after.Pricing.Amount);
        Assert.True(after.Version > before.Version);
        Assert.Contains("新しい条件を保存しました。", await browser.Client.GetStringAsync(response.Headers.Location), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edit_over_a_change_made_meanwhile_is_refused_and_shows_the_current_terms()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var read = await OfferingAsync(listing);
        var browser = await SignedInAsync(listing.Provider);
        await browser.PostFormAsync($"/console/provider/offerings/{listing.OfferingId}/edit", "edit-offering", EditedTerms(read.Version));
        var meanwhile = await OfferingAsync(listing);

        var stale = EditedTerms(read.Version);
        stale["Title"] = "Overwritten unseen";
        var html = await (await browser.PostFormAsync($"/console/provider/offerings/{listing.OfferingId}/edit", "edit-offering", stale)).Content.ReadAsStringAsync();

        Assert.Contains("開いた後にこの提供が変更されました。", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Stops, edited\"", html, StringComparison.Ordinal);
        Assert.Equal(meanwhile.Version, (await OfferingAsync(listing)).Version);
        Assert.Equal("Stops, edited", (await OfferingAsync(listing)).Title);
    }

    [Fact]
    public async Task The_earnings_chart_has_its_numbers_as_csv_for_the_provider_alone()
    {
        var listing = await _driver.ListedOfferingAsync(records: 5);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        (await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=3")).EnsureSuccessStatusCode();
        var provider = await SignedInAsync(listing.Provider);
        var other = await SignedInAsync(await _driver.CreatePartyAsync("provider"));

        var html = await provider.Client.GetStringAsync("/console/provider");
        var csv = await (await provider.Client.GetAsync("/console/provider/earnings.csv")).Content.ReadAsStringAsync();
        var othersCsv = await (await other.Client.GetAsync("/console/provider/earnings.csv")).Content.ReadAsStringAsync();

        Assert.Contains("href=\"/console/provider/earnings.csv\"", html, StringComparison.Ordinal);
        Assert.StartsWith("period,offering_id,contracts,units,unit,events,earnings,currency\r\n", csv, StringComparison.Ordinal);
        Assert.Contains($",{listing.OfferingId},1,3,record,1,6,JPY\r\n", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(listing.OfferingId, othersCsv, StringComparison.Ordinal);
    }
}
