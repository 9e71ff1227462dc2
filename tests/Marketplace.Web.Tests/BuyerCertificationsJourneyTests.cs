using Marketplace.Host.Tests;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// A buyer signs in, declares its certifications from its console, sees them listed, is refused one too long with
/// what it typed kept, then changes and finally removes them; an information bank's review reads what is declared.
/// Every page on the way passes the page checks.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class BuyerCertificationsJourneyTests(WebMarketplaceFixture fixture)
{
    private const string PrivacyMark = "Privacy Mark 17000001(01)";
    private const string Isms = "ISMS (ISO/IEC 27001) IS 123456";

    [Fact]
    public async Task A_buyer_declares_changes_and_removes_its_certifications_on_its_page()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        await using var visitor = await fixture.SignInAsync(buyer);
        var checks = new PageChecks(fixture);
        var page = visitor.Page;
        var lines = page.GetByLabel("Certifications, one a line");
        var declared = page.Locator("ul.declared-certifications li");

        await Visitor.FollowAsync(page, page.Locator("ul.console-nav").GetByRole(AriaRole.Link, new() { Name = "Certifications" }), "/console/certifications");
        Assert.Equal(0, await declared.CountAsync());
        await checks.AssertSoundAsync(visitor, "console-certifications");

        await lines.FillAsync($"{PrivacyMark}\n{Isms}\n");
        await Visitor.FollowAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Save" }), "saved=true");
        Assert.Equal("Saved your certifications.", await page.Locator("p[role=status]").InnerTextAsync());
        Assert.Equal([PrivacyMark, Isms], await declared.AllInnerTextsAsync());
        Assert.Equal($"{PrivacyMark}\n{Isms}", await lines.InputValueAsync());
        await checks.AssertSoundAsync(visitor, "console-certifications-saved");
        Assert.Equal($"{PrivacyMark}, {Isms}", await ReviewedAsync(buyer));

        var tooLong = "ISMS " + new string('9', 120);
        await lines.FillAsync($"{PrivacyMark}\n{tooLong}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.Locator("p[role=alert]").WaitForAsync();
        Assert.StartsWith("Your certifications were not saved:", await page.Locator("p[role=alert]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("name a certification in at most 100", await page.Locator("p[role=alert]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal($"{PrivacyMark}\n{tooLong}", await lines.InputValueAsync());
        Assert.Equal([PrivacyMark, Isms], await declared.AllInnerTextsAsync());
        // The refused form itself: the page checks open the address afresh, where it is not refused.
        Assert.Empty(await visitor.InspectAsync(Visitor.Narrow));
        Assert.Empty(await visitor.InspectAsync(Visitor.Desktop));

        await lines.FillAsync(Isms);
        await Visitor.FollowAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Save" }), "saved=true");
        Assert.Equal([Isms], await declared.AllInnerTextsAsync());

        await lines.FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await declared.First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(0, await declared.CountAsync());
        Assert.Equal("", await ReviewedAsync(buyer));
        Assert.Empty(visitor.TakeProblems());
    }

    /// <summary>The certifications an information bank's reviewer reads for the buyer ("" for none declared).</summary>
    private async Task<string> ReviewedAsync(Party buyer)
    {
        var bank = await fixture.Driver.CreatePartyAsync("information-bank");
        await using var reviewer = await fixture.SignInAsync(bank);
        await reviewer.OpenPageAsync($"/console/bank/reviews?buyer={buyer.Id}");
        var shown = reviewer.Page.Locator("span.certifications");
        return await shown.CountAsync() == 0 ? "" : await shown.InnerTextAsync();
    }
}
