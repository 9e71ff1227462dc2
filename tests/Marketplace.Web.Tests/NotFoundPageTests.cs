namespace Marketplace.Web.Tests;

/// <summary>The not-found page: for an address nothing answers, and for an offering the visitor may not see (as the API answers 404).</summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class NotFoundPageTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);

    [Fact]
    public async Task An_anonymous_visitor_gets_the_not_found_page_for_an_offering_named_for_one_buyer()
    {
        await using var visitor = await fixture.VisitAsync();
        var url = $"{fixture.BaseUrl}/offerings/{fixture.Seed.NamedPrivate.OfferingId}";
        visitor.Expect(url, 404);
        Assert.Equal(404, await visitor.OpenPageAsync(url));
        Assert.DoesNotContain("Platform load", await visitor.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(await NotFoundHeadingAsync(), await visitor.Page.Locator("h1").InnerTextAsync());
        await _checks.AssertSoundAsync(visitor, "offering-not-found", expectedStatus: 404);
    }

    [Fact]
    public async Task An_unknown_address_answers_the_not_found_page()
    {
        await using var visitor = await fixture.VisitAsync();
        var url = fixture.BaseUrl + "/no-such-page";
        visitor.Expect(url, 404);
        Assert.Equal(404, await visitor.OpenPageAsync(url));
        await _checks.AssertSoundAsync(visitor, "not-found", expectedStatus: 404);
    }

    /// <summary>The heading of the page an unknown address answers, in English.</summary>
    private async Task<string> NotFoundHeadingAsync()
    {
        await using var visitor = await fixture.VisitAsync();
        var url = fixture.BaseUrl + "/no-such-page";
        visitor.Expect(url, 404);
        await visitor.OpenPageAsync(url);
        return await visitor.Page.Locator("h1").InnerTextAsync();
    }
}
