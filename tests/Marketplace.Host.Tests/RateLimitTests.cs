using System.Net;

namespace Marketplace.Host.Tests;

/// <summary>A marketplace with tiny limits (refilled once an hour), so the 429 is certain and nothing else is throttled.</summary>
public sealed class RateLimitFixture : MarketplaceFixture
{
    protected override Task<MarketplaceFactory> CreateFactoryAsync() => Task.FromResult(new MarketplaceFactory(settings: new Dictionary<string, string>
    {
        ["Marketplace:RateLimits:PerKey:Burst"] = "5",
        ["Marketplace:RateLimits:PerKey:TokensPerPeriod"] = "5",
        ["Marketplace:RateLimits:PerKey:Period"] = "01:00:00",
        ["Marketplace:RateLimits:PerAddress:Burst"] = "2",
        ["Marketplace:RateLimits:PerAddress:TokensPerPeriod"] = "2",
        ["Marketplace:RateLimits:PerAddress:Period"] = "01:00:00",
    }));
}

public sealed class RateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    private MarketplaceFactory Factory => fixture.Factory;

    private async Task<HttpClient> FreshBuyerAsync()
    {
        // The operator's key is limited too: the class creates three parties, within its five requests.
        var party = await fixture.Driver.CreatePartyAsync("buyer");
        return party.Client;
    }

    [Fact]
    public async Task A_key_over_its_limit_gets_429_problem_details_with_retry_after()
    {
        var buyer = await FreshBuyerAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await buyer.GetAsync("/api/v1/parties/me")).StatusCode);
        }

        var response = await buyer.GetAsync("/api/v1/parties/me");

        var problem = await MarketplaceDriver.Problem(response, HttpStatusCode.TooManyRequests);
        Assert.Equal("request.rate-limited", problem.GetProperty("code").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 429 says when to come back");
    }

    [Fact]
    public async Task One_key_over_its_limit_does_not_throttle_another()
    {
        var busy = await FreshBuyerAsync();
        var quiet = await FreshBuyerAsync();
        for (var i = 0; i < 6; i++)
        {
            await busy.GetAsync("/api/v1/parties/me");
        }

        var response = await quiet.GetAsync("/api/v1/parties/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_valid_key_are_limited_by_address()
    {
        using var anonymous = Factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await anonymous.GetAsync("/api/v1/parties/me")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }
}

/// <summary>A marketplace that allows three password attempts an hour per address, and nothing else lower than usual.</summary>
public sealed class SignInRateLimitFixture : MarketplaceFixture
{
    protected override Task<MarketplaceFactory> CreateFactoryAsync() => Task.FromResult(new MarketplaceFactory(settings: new Dictionary<string, string>
    {
        ["Marketplace:RateLimits:SignInPerAddress:Burst"] = "3",
        ["Marketplace:RateLimits:SignInPerAddress:TokensPerPeriod"] = "3",
        ["Marketplace:RateLimits:SignInPerAddress:Period"] = "01:00:00",
    }));
}

public sealed class SignInRateLimitTests(SignInRateLimitFixture fixture) : IClassFixture<SignInRateLimitFixture>
{
    [Fact]
    public async Task Password_attempts_from_one_address_are_limited_whatever_the_name_tried()
    {
        using var client = fixture.Factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["SignInName"] = $"person{i}@example.jp", ["Password"] = "guess guess guess" });
            statuses.Add((await client.PostAsync("/signin", form)).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
    }

}
