using Marketplace.Host.Tests;

namespace Marketplace.Web.Tests;

/// <summary>
/// The operator registers a partner city (here the marketplace itself, reached at its own address, as one of its
/// buyers), relays one of its offerings from the console, and opens the relay's ledgers; each page passes the page checks.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class PartnerConsoleJourneyTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);

    [Fact]
    public async Task The_operator_registers_a_partner_city_relays_its_offering_and_reads_the_relays_ledgers()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 5, preview: true);
        var cityBuyer = await fixture.Driver.CreatePartyAsync("buyer");
        var operatorParty = new Party("operator", fixture.Factory.OperatorKey, fixture.Driver.Operator);
        await using var visitor = await fixture.SignInAsync(operatorParty);
        var page = visitor.Page;

        await Visitor.FollowAsync(page, page.Locator("main a[href=\"/console/operator/partners\"]"), "/console/operator/partners");
        await _checks.AssertSoundAsync(visitor, "console-operator-partners");
        var partnerId = MarketplaceDriver.UniqueId("city");
        await page.Locator("#partner-id").FillAsync(partnerId);
        await page.Locator("#partner-name").FillAsync("Kobe City Data Exchange");
        await page.Locator("#partner-url").FillAsync(fixture.BaseUrl);
        await page.Locator("#partner-key").FillAsync(cityBuyer.Key);
        await page.Locator("form:has(#partner-id) button[type=submit]").ClickAsync();
        Assert.Contains("Kobe City Data Exchange", await page.Locator("#register-done").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(cityBuyer.Key, await page.ContentAsync(), StringComparison.Ordinal);

        await page.Locator("#relay-partner").SelectOptionAsync(partnerId);
        await page.Locator("#relay-offering").FillAsync(listing.OfferingId);
        await page.Locator("#relay-margin").FillAsync("5000");
        await page.Locator("form:has(#relay-offering) button[type=submit]").ClickAsync();
        Assert.Contains("Bus stops", await page.Locator("#relay-done").InnerTextAsync(), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "console-operator-partners-relayed");

        await Visitor.FollowAsync(page, page.Locator($"#partners a[href^=\"/console/operator/partners/{partnerId}/relays/\"]").First,
            $"/console/operator/partners/{partnerId}/relays/");
        Assert.Equal("The ledgers agree.", await page.Locator("#agreed").InnerTextAsync());
        Assert.Equal("0", await page.Locator("#local-units").InnerTextAsync());
        await _checks.AssertSoundAsync(visitor, "console-operator-relay-ledgers");
        Assert.Empty(visitor.TakeProblems());
    }
}
