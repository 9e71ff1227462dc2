using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Contracts;

namespace Marketplace.Host.Tests.Web;

/// <summary>Subscribing from an offering's page: signed-in buyers declare a purpose; everyone else is shown how.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class SubscribePageTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private async Task<(Party Party, PageSession Browser)> SignedInAsync(string role, Party? party = null)
    {
        party ??= await _driver.CreatePartyAsync(role);
        return (party, await PageSession.ForPartyAsync(fixture, party));
    }

    [Fact]
    public async Task A_signed_in_buyer_subscribes_with_a_purpose_and_the_contract_is_theirs()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var (buyer, browser) = await SignedInAsync("buyer");

        var response = await browser.PostFormAsync($"/offerings/{listing.OfferingId}", "subscribe", new Dictionary<string, string> { ["Purpose"] = "research" });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("は有効です", html, StringComparison.Ordinal);
        var contracts = await buyer.Client.GetFromJsonAsync<ContractListResponse>($"/api/v1/contracts?offeringId={listing.OfferingId}", MarketplaceDriver.Json);
        var contract = Assert.Single(contracts!.Items);
        Assert.Equal("research", contract.Purpose);
        Assert.Contains(contract.Id, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribing_twice_for_the_same_purpose_says_so_and_opens_nothing_new()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var (buyer, browser) = await SignedInAsync("buyer");
        var form = new Dictionary<string, string> { ["Purpose"] = "research" };

        await browser.PostFormAsync($"/offerings/{listing.OfferingId}", "subscribe", form);
        var again = await (await browser.PostFormAsync($"/offerings/{listing.OfferingId}", "subscribe", form)).Content.ReadAsStringAsync();

        Assert.Contains("この提供とこの目的の契約はすでにあります。", again, StringComparison.Ordinal);
        var contracts = await buyer.Client.GetFromJsonAsync<ContractListResponse>($"/api/v1/contracts?offeringId={listing.OfferingId}", MarketplaceDriver.Json);
        Assert.Single(contracts!.Items);
    }

    [Fact]
    public async Task A_visitor_is_sent_to_sign_in_and_back_and_a_provider_is_told_buyers_subscribe()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var (_, provider) = await SignedInAsync("provider");

        var visitor = await new PageSession(fixture.Factory).Client.GetStringAsync($"/offerings/{listing.OfferingId}");
        var providers = await provider.Client.GetStringAsync($"/offerings/{listing.OfferingId}");

        Assert.Contains($"href=\"/signin?returnUrl=%2Fofferings%2F{listing.OfferingId}\"", visitor, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Purpose\"", visitor, StringComparison.Ordinal);
        Assert.Contains("利用申込みは購入者のアカウントで行います", providers, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Purpose\"", providers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_offering_is_a_page_for_its_named_buyer_and_not_found_for_another()
    {
        var named = await _driver.CreatePartyAsync("buyer");
        var listing = await _driver.ListedOfferingAsync(records: 3, visibility: "private", buyers: [named.Id]);
        var (_, namedBrowser) = await SignedInAsync("buyer", named);
        var (_, otherBrowser) = await SignedInAsync("buyer");

        var seen = await namedBrowser.Client.GetAsync($"/offerings/{listing.OfferingId}");
        var hidden = await otherBrowser.Client.GetAsync($"/offerings/{listing.OfferingId}");
        var inCatalog = await namedBrowser.Client.GetStringAsync($"/?provider={listing.Provider.Id}");

        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Contains($"<a href=\"/offerings/{listing.OfferingId}\">", inCatalog, StringComparison.Ordinal);
    }
}
