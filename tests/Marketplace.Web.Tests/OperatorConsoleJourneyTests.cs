using Marketplace.Host.Tests;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// The operator registers a buyer in the console, enrols a person for it, and that person signs in with the
/// one-time password the console showed; every console page on the way passes the page checks.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class OperatorConsoleJourneyTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);

    [Fact]
    public async Task The_operator_registers_a_buyer_enrols_a_person_and_the_person_signs_in_with_the_one_time_password()
    {
        var operatorParty = new Party("operator", fixture.Factory.OperatorKey, fixture.Driver.Operator);
        await using var operatorVisitor = await fixture.SignInAsync(operatorParty);
        var page = operatorVisitor.Page;
        Assert.EndsWith("/console/operator", page.Url, StringComparison.Ordinal);
        await _checks.AssertSoundAsync(operatorVisitor, "console-operator");

        await Visitor.FollowAsync(page, page.Locator("main a[href=\"/console/operator/contracts\"]"), "/console/operator/contracts");
        await _checks.AssertSoundAsync(operatorVisitor, "console-operator-contracts");
        await Visitor.FollowAsync(page, page.Locator(".breadcrumbs a[href=\"/console/operator\"]"), "/console/operator");
        await Visitor.FollowAsync(page, page.Locator("main a[href=\"/console/operator/parties\"]"), "/console/operator/parties");
        await _checks.AssertSoundAsync(operatorVisitor, "console-operator-parties");

        var buyerId = MarketplaceDriver.UniqueId("buyer");
        await page.Locator("#party-role").SelectOptionAsync("buyer");
        await page.Locator("#party-name").FillAsync("Minato Mirai Café");
        await page.Locator("#party-id").FillAsync(buyerId);
        await page.Locator("form:has(#party-name) button[type=submit]").ClickAsync();
        var key = await page.Locator("#new-party-key").InnerTextAsync();
        Assert.StartsWith("mk_", key, StringComparison.Ordinal);
        Assert.Contains("shown only this once", await page.Locator(".secret-once").InnerTextAsync(), StringComparison.Ordinal);

        await Visitor.FollowAsync(page, page.Locator($"main a[href=\"/console/operator/parties/{buyerId}\"]").First, $"/console/operator/parties/{buyerId}");
        Assert.DoesNotContain(key, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(operatorVisitor, "console-operator-party");

        var signIn = $"{MarketplaceDriver.UniqueId("cafe")}@example.jp";
        await page.Locator("#person-sign-in").FillAsync(signIn);
        await page.Locator("#person-name").FillAsync("Hanako Minato");
        await page.Locator("form:has(#person-sign-in) button[type=submit]").ClickAsync();
        var password = await page.Locator("#one-time-password").InnerTextAsync();
        Assert.Contains(signIn, await page.Locator("main table").Last.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(operatorVisitor.TakeProblems());

        await using var person = await fixture.VisitAsync();
        await person.SignInAsync(signIn, password);

        Assert.EndsWith("/console/buyer", person.Page.Url, StringComparison.Ordinal);
        Assert.Contains("Minato Mirai Café", await person.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(person.TakeProblems());
    }

    [Fact]
    public async Task The_operator_suspends_a_contract_with_a_reason_on_its_page()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var named = await fixture.Driver.ListedOfferingAsync(records: 2, visibility: "private", buyers: [buyer.Id]);
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, named.OfferingId, "research");
        var operatorParty = new Party("operator", fixture.Factory.OperatorKey, fixture.Driver.Operator);
        await using var visitor = await fixture.SignInAsync(operatorParty);
        var page = visitor.Page;

        Assert.Equal(200, await visitor.OpenPageAsync($"/console/operator/contracts/{contract.Id}"));
        await _checks.AssertSoundAsync(visitor, "console-operator-contract");
        await page.Locator("#contract-reason").FillAsync("billing dispute under review");
        await page.Locator("button[name=Action][value=suspend]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Contains("billing dispute under review", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        var stored = await buyer.Client.GetStringAsync($"/api/v1/contracts/{contract.Id}");
        Assert.Contains("\"status\":\"suspended\"", stored, StringComparison.Ordinal);
        Assert.Empty(visitor.TakeProblems());
    }
}
