using System.Net;

namespace Marketplace.Host.Tests.Web;

/// <summary>Hangfire's dashboard at /hangfire: for operators signed in to the web front end, nobody else.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class JobsDashboardTests(MarketplaceFixture fixture)
{
    [Fact]
    public async Task A_signed_in_operator_sees_the_recurring_billing_jobs()
    {
        var (_, browser) = await PageSession.ForNewPartyAsync(fixture, "operator");

        var page = await browser.Client.GetAsync("/hangfire/recurring");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("billing-close-due-periods", html, StringComparison.Ordinal);
        Assert.Contains("billing-sweep-payments", html, StringComparison.Ordinal);
        // The site's Content-Security-Policy allows scripts from this host only: the dashboard has no inline script.
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)[^>]*>", html);
    }

    [Fact]
    public async Task Anyone_else_is_refused()
    {
        var (_, buyer) = await PageSession.ForNewPartyAsync(fixture, "buyer");

        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.Client.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Factory.CreateClient().GetAsync("/hangfire")).StatusCode);
    }
}
