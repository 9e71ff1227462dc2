using System.Net;
using Marketplace.Application.Aggregates;
using Marketplace.Application.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests;

/// <summary>A marketplace whose aggregate queries read at most 30 records and answer at most 1 group.</summary>
public sealed class AggregateBoundsFixture : MarketplaceFixture
{
    protected override Task<MarketplaceFactory> CreateFactoryAsync() => Task.FromResult(new MarketplaceFactory
    {
        ConfigureServices = services => services.AddSingleton(new AggregateLimits { MaxRowsScanned = 30, MaxGroupsReturned = 1, PageSize = 7 }),
    });
}

/// <summary>Past its bounds an aggregate query is refused whole (413, nothing metered) rather than answered in part.</summary>
public sealed class AggregateBoundsTests(AggregateBoundsFixture fixture) : IClassFixture<AggregateBoundsFixture>
{
    private async Task<(Party Buyer, string ContractId)> ContractAsync(string csv)
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(provider, AggregateTests.Trips(datasetId));
        await MarketplaceDriver.UploadCsvAsync(provider, datasetId, csv);
        var offering = await MarketplaceDriver.CreateOfferingAsync(provider, new
        {
            datasetId,
            pricing = new { model = "free", currency = "JPY" },
            policy = new { purposes = new[] { "city-planning" }, aggregates = new { dimensions = new[] { "origin", "destination" }, k = 2 } },
        });
        await MarketplaceDriver.PublishAsync(provider, offering.Id);
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        return (buyer, (await MarketplaceDriver.SubscribeAsync(buyer, offering.Id, "city-planning")).Id);
    }

    private static async Task<long> UnitsAsync(Party buyer, string contractId) =>
        Assert.Single((await MarketplaceDriver.Ok<UsageResponse>(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/usage"), HttpStatusCode.OK)).Items).Units;

    [Fact]
    public async Task A_revision_larger_than_a_query_may_read_is_refused_whole_and_nothing_is_metered()
    {
        var (buyer, contractId) = await ContractAsync(AggregateTests.TripsCsv());

        var problem = await MarketplaceDriver.Problem(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/aggregate?groupBy=origin"), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("aggregate.too-many-rows", problem.GetProperty("code").GetString());
        Assert.Equal(0, await UnitsAsync(buyer, contractId));
    }

    [Fact]
    public async Task A_grouping_with_more_groups_than_an_answer_holds_is_refused_and_one_within_it_is_answered()
    {
        var (buyer, contractId) = await ContractAsync("origin,destination,mode,minutes\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"A,{(i % 2 == 0 ? "B" : "C")},bus,{i}\n")));

        var tooMany = await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/aggregate?groupBy=destination");
        var one = await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/aggregate?groupBy=origin");

        Assert.Equal("aggregate.too-many-groups", (await MarketplaceDriver.Problem(tooMany, HttpStatusCode.RequestEntityTooLarge)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(1, await UnitsAsync(buyer, contractId));
    }
}
