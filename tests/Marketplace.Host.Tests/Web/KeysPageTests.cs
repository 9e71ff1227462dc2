using System.Net;
using System.Text.RegularExpressions;

namespace Marketplace.Host.Tests.Web;

/// <summary>A signed-in person creates and revokes their own party's API keys; a key is shown once.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed partial class KeysPageTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private Task<(Party Party, PageSession Browser)> SignedInBuyerAsync() => PageSession.ForNewPartyAsync(fixture, "buyer");

    private static string KeyIn(string html) =>
        NewKey().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No new key on the page.");

    [Fact]
    public async Task A_key_created_on_the_page_is_shown_once_and_works_on_the_api()
    {
        var (buyer, browser) = await SignedInBuyerAsync();

        var created = await browser.PostFormAsync("/console/keys", "issue-key", new Dictionary<string, string>());
        var html = await created.Content.ReadAsStringAsync();
        var key = KeyIn(html);

        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        var me = await fixture.Factory.ClientWithKey(key).GetStringAsync("/api/v1/parties/me");
        Assert.Contains(buyer.Id, me, StringComparison.Ordinal);
        Assert.DoesNotContain(key, await browser.Client.GetStringAsync("/console/keys"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_revoked_on_the_page_stops_working()
    {
        var (_, browser) = await SignedInBuyerAsync();
        var key = KeyIn(await (await browser.PostFormAsync("/console/keys", "issue-key", new Dictionary<string, string>())).Content.ReadAsStringAsync());
        var prefix = key.Split('_')[1];

        var revoked = await browser.PostFormAsync("/console/keys", $"revoke-{prefix}", new Dictionary<string, string>());

        Assert.Contains($"キー {prefix} を失効させました", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Factory.ClientWithKey(key).GetAsync("/api/v1/parties/me")).StatusCode);
    }

    [Fact]
    public async Task Another_partys_key_cannot_be_revoked_from_the_page()
    {
        var other = await _driver.CreatePartyAsync("buyer");
        var otherPrefix = other.Key.Split('_')[1];
        var (_, browser) = await SignedInBuyerAsync();

        var response = await browser.PostFormAsync("/console/keys", $"revoke-{otherPrefix}", new Dictionary<string, string>());

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.Client.GetAsync("/api/v1/parties/me")).StatusCode);
    }

    [GeneratedRegex("<code id=\"new-key\">(mk_[^<]+)</code>")]
    private static partial Regex NewKey();
}
