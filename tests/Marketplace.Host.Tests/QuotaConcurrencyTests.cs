using System.Net;
using System.Text.Json;
using Marketplace.Application.Usage;

namespace Marketplace.Host.Tests;

/// <summary>A quota holds however many requests arrive at once: pages in flight cannot overshoot it.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class QuotaConcurrencyTests(MarketplaceFixture fixture)
{
    private const int Quota = 100;
    private const int Requests = 64;
    private const int PageSize = 10;

    private readonly MarketplaceDriver _driver = fixture.Driver;

    // Observed before the meter held quota for requests in flight: all 64 answered 200 and 640 units were metered
    // on a quota of 100, because each was authorized against the committed usage alone.
    [Fact]
    public async Task Sixty_four_concurrent_fetches_near_the_quota_never_meter_more_than_the_quota()
    {
        var listing = await _driver.ListedOfferingAsync(records: 1_000,
            pricing: new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
            policy: new { purposes = new[] { "research" }, maxUnitsPerPeriod = Quota });
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        using var start = new SemaphoreSlim(0);

        var fetches = Enumerable.Range(0, Requests).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit={PageSize}");
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(body).RootElement.GetProperty("records").GetArrayLength() : 0;
        }).ToList();
        start.Release(Requests);
        var received = (await Task.WhenAll(fetches)).Sum();
        var usage = await MarketplaceDriver.Ok<UsageResponse>(await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/usage"), HttpStatusCode.OK);
        var metered = usage.Items.Single().Units;

        Assert.True(metered <= Quota, $"metered {metered} units on a quota of {Quota} ({received} records received)");
        Assert.Equal(metered, received);
    }
}
