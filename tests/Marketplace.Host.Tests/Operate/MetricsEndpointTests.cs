using System.Net;

namespace Marketplace.Host.Tests.Operate;

/// <summary>/metrics has no key to check: it answers loopback and the configured monitoring networks only.</summary>
public sealed class MetricsEndpointTests(ScrapeFixture fixture) : IClassFixture<ScrapeFixture>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("10.1.200.7")]
    public async Task Metrics_answer_a_scraper_on_loopback_or_a_configured_network(string address)
    {
        using var response = await fixture.ClientFrom(address).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("10.2.0.1")]
    [InlineData("2001:db8::1")]
    public async Task Metrics_refuse_any_other_address_with_403_ProblemDetails(string address)
    {
        using var response = await fixture.ClientFrom(address).GetAsync("/metrics");

        var problem = await MarketplaceDriver.Problem(response, HttpStatusCode.Forbidden);
        Assert.Equal("metrics.not-permitted", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Metrics_refuse_a_request_whose_address_is_unknown()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
