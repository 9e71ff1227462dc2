using System.Net;

namespace Marketplace.Host.Tests.Web;

/// <summary>The buyer console: a buyer's own contracts with this period's use and charge, each with its history and a curl line.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class BuyerConsoleTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private Task<(Party Party, PageSession Browser)> SignedInBuyerAsync() => PageSession.ForNewPartyAsync(fixture, "buyer");

    [Fact]
    public async Task The_console_lists_the_buyers_contracts_with_use_and_charge_this_period()
    {
        var listing = await _driver.ListedOfferingAsync(records: 5);
        var (buyer, browser) = await SignedInBuyerAsync();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        (await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=3")).EnsureSuccessStatusCode();

        var html = await browser.Client.GetStringAsync("/console/buyer");

        Assert.Contains($"href=\"/console/buyer/contracts/{contract.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains("3件", html, StringComparison.Ordinal);
        Assert.Contains("¥6", html, StringComparison.Ordinal);
        Assert.Contains("有効", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_usage_chart_has_its_numbers_as_csv_and_a_table_and_a_hostile_title_stays_text()
    {
        var listing = await _driver.ListedOfferingAsync(records: 5);
        var (buyer, browser) = await SignedInBuyerAsync();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        (await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=2")).EnsureSuccessStatusCode();

        var html = await browser.Client.GetStringAsync("/console/buyer");
        var csv = await browser.Client.GetAsync("/console/buyer/usage.csv");
        var text = await csv.Content.ReadAsStringAsync();

        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/buyer/usage.csv\"", html, StringComparison.Ordinal);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("period,contract_id,offering,purpose,status,units,unit,events,charge,currency\r\n", text, StringComparison.Ordinal);
        Assert.Contains($",{contract.Id},", text, StringComparison.Ordinal);
        Assert.Contains(",research,active,2,record,1,4,JPY\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_usage_csv_is_for_signed_in_buyers_only()
    {
        var visitor = new PageSession(fixture.Factory);
        var keyed = await _driver.CreatePartyAsync("buyer");

        Assert.Equal(HttpStatusCode.Redirect, (await visitor.Client.GetAsync("/console/buyer/usage.csv")).StatusCode);
        // A key opens no page: the page sends the caller to sign in.
        var withKey = await keyed.Client.GetAsync("/console/buyer/usage.csv");
        Assert.Equal("/signin", withKey.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Fact]
    public async Task A_buyer_never_sees_another_buyers_contract_in_the_list_or_by_its_address()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var other = await _driver.CreatePartyAsync("buyer");
        var theirs = await MarketplaceDriver.SubscribeAsync(other, listing.OfferingId, "research");
        var (_, browser) = await SignedInBuyerAsync();

        var list = await browser.Client.GetStringAsync("/console/buyer");
        var page = await browser.Client.GetAsync($"/console/buyer/contracts/{theirs.Id}");

        Assert.DoesNotContain(theirs.Id, list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain($"<h1>契約 {theirs.Id}</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contracts_page_shows_its_history_and_the_curl_line_that_fetches_its_records()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var (buyer, browser) = await SignedInBuyerAsync();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var response = await browser.Client.GetAsync($"/console/buyer/contracts/{contract.Id}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, html);

        Assert.Contains($"curl -H \"Authorization: Bearer $MARKETPLACE_KEY\" \"http://localhost/api/v1/contracts/{contract.Id}/records?limit=100\"",
            System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("<caption id=\"history-caption\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_aggregate_only_contracts_page_states_its_statistics_and_the_curl_line_asks_for_them()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, pricing: new { model = "free", currency = "JPY" },
            policy: new { purposes = new[] { "research" }, aggregates = new { dimensions = new[] { "district" } } });
        var (buyer, browser) = await SignedInBuyerAsync();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var html = System.Net.WebUtility.HtmlDecode(await browser.Client.GetStringAsync($"/console/buyer/contracts/{contract.Id}"));

        Assert.Contains($"curl -H \"Authorization: Bearer $MARKETPLACE_KEY\" \"http://localhost/api/v1/contracts/{contract.Id}/aggregate?groupBy=district\"", html, StringComparison.Ordinal);
        Assert.Contains("<ul class=\"policy aggregate-terms\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buyer_ends_a_contract_from_its_page_and_the_api_agrees()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var (buyer, browser) = await SignedInBuyerAsync();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var response = await browser.PostFormAsync($"/console/buyer/contracts/{contract.Id}", "terminate", new Dictionary<string, string> { ["Reason"] = "project over" });

        Assert.Contains("契約を終了しました。", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var after = await buyer.Client.GetStringAsync($"/api/v1/contracts/{contract.Id}");
        Assert.Contains("\"status\":\"terminated\"", after, StringComparison.Ordinal);
        Assert.Contains("project over", after, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/buyer?status=no-such-status")]
    [InlineData("/console/buyer?cursor=%00%00not-a-cursor")]
    [InlineData("/console/buyer/contracts/..%2F..%2Fetc")]
    [InlineData("/console/buyer/contracts/CTR-UPPER")]
    public async Task A_hand_edited_address_never_fails_the_page(string address)
    {
        var (_, browser) = await SignedInBuyerAsync();

        var response = await browser.Client.GetAsync(address);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{address} answered {(int)response.StatusCode}");
    }
}
