using System.Net.Http.Json;
using Marketplace.Host.Tests;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// An information bank signs in, goes from the provider console to its own pages, publishes a notice and reviews a
/// buyer (reading the buyer's declared certifications); every page on the way passes the page checks.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class BankConsoleJourneyTests(WebMarketplaceFixture fixture)
{
    [Fact]
    public async Task A_bank_publishes_a_notice_and_reviews_a_buyer_from_its_console()
    {
        var bank = await fixture.Driver.CreatePartyAsync("information-bank");
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        (await buyer.Client.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/certifications", new { certifications = new[] { "Privacy Mark 17000001(01)" } })).EnsureSuccessStatusCode();
        await using var visitor = await fixture.SignInAsync(bank);
        var checks = new PageChecks(fixture);
        var page = visitor.Page;

        await visitor.OpenPageAsync("/console/provider");
        await page.GetByRole(AriaRole.Link, new() { Name = "Information bank" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/console/bank/people", StringComparison.Ordinal));
        await checks.AssertSoundAsync(visitor, "console-bank-people");

        await page.GetByRole(AriaRole.Link, new() { Name = "Notices" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Publish a notice" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/console/bank/notices/publish", StringComparison.Ordinal));
        await checks.AssertSoundAsync(visitor, "console-bank-publish");
        var noticeId = MarketplaceDriver.UniqueId("notice");
        await page.GetByLabel("Notice id").FillAsync(noticeId);
        await page.GetByLabel("Scope").FillAsync("category:mobility");
        await page.GetByLabel("Title").FillAsync("Trips for city planning");
        await page.GetByLabel("City planning").CheckAsync();
        await page.Locator("#r0-name").FillAsync("Minato city office");
        await page.Locator("#r0-class").SelectOptionAsync("PublicBody");
        await page.GetByLabel("Storage location").FillAsync("Tokyo, Japan");
        await page.GetByLabel("Benefit to the person").FillAsync("A share of what the data earns");
        await page.GetByLabel("How to withdraw").FillAsync("Withdraw in the portal at any time");
        await page.GetByLabel("Contact").FillAsync("privacy@bank.example.jp");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("published=" + noticeId, StringComparison.Ordinal));
        Assert.Contains("version 1", await page.Locator("[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        await checks.AssertSoundAsync(visitor, "console-bank-notices");
        await page.GetByRole(AriaRole.Link, new() { Name = noticeId }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/console/bank/notices/" + noticeId, StringComparison.Ordinal));
        await checks.AssertSoundAsync(visitor, "console-bank-notice-versions");

        await page.GetByRole(AriaRole.Link, new() { Name = "Data-ethics reviews" }).ClickAsync();
        await page.GetByLabel("Buyer id").FillAsync(buyer.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("buyer=" + buyer.Id, StringComparison.Ordinal));
        Assert.Contains("Privacy Mark 17000001(01)", await page.Locator(".certifications").InnerTextAsync(), StringComparison.Ordinal);
        await checks.AssertSoundAsync(visitor, "console-bank-review-form");
        await page.Locator("#class").SelectOptionAsync("PublicBody");
        await page.GetByLabel("City planning").CheckAsync();
        await page.GetByLabel("Reviewer's note").FillAsync("Privacy Mark and the city's data-use rules checked.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the review" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("reviewed=" + buyer.Id, StringComparison.Ordinal));
        Assert.Contains(buyer.Id, await page.Locator("[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        await checks.AssertSoundAsync(visitor, "console-bank-reviews");

        await page.GetByRole(AriaRole.Link, new() { Name = "Consent counts" }).ClickAsync();
        await checks.AssertSoundAsync(visitor, "console-bank-counts");
    }
}
