namespace Marketplace.Web.Tests;

/// <summary>A person signs in, reaches their console, passes the page checks there, and signs out.</summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class SignInJourneyTests(WebMarketplaceFixture fixture)
{
    [Fact]
    public async Task A_buyer_signs_in_sees_their_console_and_signs_out()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        await using var visitor = await fixture.SignInAsync(buyer);

        Assert.EndsWith("/console/buyer", visitor.Page.Url, StringComparison.Ordinal);
        Assert.Contains($"Test buyer {buyer.Id}", await visitor.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await new PageChecks(fixture).AssertSoundAsync(visitor, "console-buyer");

        await visitor.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await visitor.Page.WaitForURLAsync(url => !url.Contains("/console/", StringComparison.Ordinal));
        Assert.Equal(200, await visitor.OpenPageAsync("/signin"));
        Assert.Empty(visitor.TakeProblems());
    }

    [Fact]
    public async Task The_sign_in_page_passes_the_page_checks()
    {
        await using var visitor = await fixture.VisitAsync();
        await visitor.OpenPageAsync("/signin");
        await new PageChecks(fixture).AssertSoundAsync(visitor, "signin");
    }

    [Fact]
    public async Task The_password_page_and_the_forbidden_page_pass_the_page_checks()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        await using var visitor = await fixture.SignInAsync(buyer);

        Assert.Equal(200, await visitor.OpenPageAsync("/account/password"));
        await new PageChecks(fixture).AssertSoundAsync(visitor, "account-password");

        visitor.Expect($"{fixture.BaseUrl}/forbidden?returnUrl=%2Fconsole%2Foperator", 403);
        Assert.Equal(403, await visitor.OpenPageAsync("/console/operator"));
        Assert.Contains("/forbidden", visitor.Page.Url, StringComparison.Ordinal);
        await new PageChecks(fixture).AssertSoundAsync(visitor, "forbidden", expectedStatus: 403);
    }
}
