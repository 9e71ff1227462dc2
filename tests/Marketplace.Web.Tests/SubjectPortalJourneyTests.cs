using Marketplace.Host.Tests.Consent;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// A resident of the information bank signs in, reads the notice, consents, finds the receipt and verifies it, then
/// withdraws in the portal: the buyer's next fetch through the API no longer holds that resident's records. Every
/// portal page passes the page checks in both languages.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class SubjectPortalJourneyTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);

    [Fact]
    public async Task A_resident_consents_verifies_the_receipt_and_withdraws_and_the_buyer_no_longer_receives_their_records()
    {
        var world = await ConsentWorld.CreateAsync(fixture.Factory, fixture.Driver, residents: 3, signIns: true);
        var resident = world.Residents[0];
        foreach (var other in world.Residents.Skip(1))
        {
            await world.ConsentAsync(other);
        }
        Assert.Equal(2, (await world.FetchAsync()).Records.Count);

        await using var visitor = await fixture.VisitAsync();
        var page = visitor.Page;
        await visitor.OpenPageAsync("/signin");
        await page.Locator("#signin-name").FillAsync(resident.SignIn!);
        await page.Locator("#signin-password").FillAsync(resident.Password!);
        await page.Locator("form.stacked-form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/me", StringComparison.Ordinal));
        await _checks.AssertSoundAsync(visitor, "subject-consents");

        // Reads the notice, then consents to what it names (nothing is ticked for them).
        await Visitor.FollowAsync(page, page.Locator("nav.subject-nav a[href=\"/me/grant\"]"), "/me/grant");
        await _checks.AssertSoundAsync(visitor, "subject-grant");
        await Visitor.FollowAsync(page, page.Locator($"main a[href=\"/me/grant/{world.NoticeId}\"]"), world.NoticeId);
        Assert.Contains("研究成果の還元", await page.Locator("section.notice-view").InnerTextAsync(), StringComparison.Ordinal);
        Assert.False(await page.GetByLabel("Academic research").IsCheckedAsync());
        await _checks.AssertSoundAsync(visitor, "subject-notice");
        await page.GetByLabel("Academic research").CheckAsync();
        await page.GetByLabel("academic recipients").CheckAsync();
        await page.Locator("#consent-sensitive").CheckAsync();
        await Visitor.FollowAsync(page, page.Locator("form.consent-form button[type=submit]"), "done=given");
        Assert.Contains("Your consent is recorded", await page.Locator("p[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "subject-consents-given");
        var before = (await world.FetchAsync()).Records.Count;

        // Finds the receipt, reads it and verifies its signature.
        await Visitor.FollowAsync(page, page.Locator("nav.subject-nav a[href=\"/me/receipts\"]"), "/me/receipts");
        await _checks.AssertSoundAsync(visitor, "subject-receipts");
        await Visitor.FollowAsync(page, page.Locator("main table a").First, "/me/receipts/");
        await _checks.AssertSoundAsync(visitor, "subject-receipt");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the signature" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.StartsWith("Valid: signed by the marketplace with key", await page.Locator("#receipt-verified").InnerTextAsync(), StringComparison.Ordinal);
        var jws = await page.APIRequest.GetAsync(await page.Locator("a[href$='/jws']").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, jws.Status);

        // Withdraws: one link, one confirmation.
        await Visitor.FollowAsync(page, page.Locator("nav.subject-nav a[href=\"/me\"]"), "/me");
        await Visitor.FollowAsync(page, page.Locator("main a.danger-link").First, "/withdraw");
        await _checks.AssertSoundAsync(visitor, "subject-withdraw");
        await Visitor.FollowAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Withdraw consent" }), "done=withdrawn");
        Assert.Contains("Withdrawn", await page.Locator("main table").InnerTextAsync(), StringComparison.Ordinal);

        var after = (await world.FetchAsync()).Records.Count;
        Assert.Equal((3, 2), (before, after));

        foreach (var (path, name) in new[] { ("/me/provisions", "subject-provisions"), ("/me/earnings", "subject-earnings"), ("/me/privacy", "subject-privacy") })
        {
            await Visitor.FollowAsync(page, page.Locator($"nav.subject-nav a[href=\"{path}\"]"), path);
            await _checks.AssertSoundAsync(visitor, name);
        }
        Assert.Empty(visitor.TakeProblems());
    }
}
