using System.Net;
using Marketplace.Host.Operations;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The Orleans dashboard at /orleans: for operators signed in, like the rest of the operator console (a page path, so
/// the session cookie decides; API keys are for the API).
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OrleansDashboardTests(MarketplaceFixture fixture)
{
    [Fact]
    public async Task A_signed_in_operator_sees_the_dashboard_and_the_cluster()
    {
        var (_, browser) = await PageSession.ForNewPartyAsync(fixture, "operator");

        var bare = await browser.Client.GetAsync(OrleansDashboard.Path);
        var page = await browser.Client.GetAsync($"{OrleansDashboard.Path}/");
        var cluster = await browser.Client.GetAsync($"{OrleansDashboard.Path}/ClusterStats");

        // Without the slash the page's relative script addresses would miss the prefix: the dashboard adds it.
        Assert.Equal($"{OrleansDashboard.Path}/", bare.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cluster.StatusCode);
        Assert.Equal("application/json", cluster.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in()
    {
        var visitor = new PageSession(fixture.Factory);

        var response = await visitor.Client.GetAsync($"{OrleansDashboard.Path}/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/signin", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_buyer_is_refused()
    {
        var (_, browser) = await PageSession.ForNewPartyAsync(fixture, "buyer");

        var response = await browser.Client.GetAsync($"{OrleansDashboard.Path}/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/forbidden", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_grain_state_viewer_is_not_served_even_to_an_operator()
    {
        var (_, browser) = await PageSession.ForNewPartyAsync(fixture, "operator");

        var response = await browser.Client.GetAsync($"{OrleansDashboard.Path}/GrainState?grainId=x&grainType=Marketplace.Grains.PersonGrain");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
