using System.Net;
using Marketplace.Host.Features.Contracts;
using Marketplace.Application.Usage;

namespace Marketplace.Host.Tests;

public abstract class DurabilityTests
{
    protected abstract MarketplaceFactory NewHost(string? dataDirectory = null, string? cosmosDatabase = null);

    [Fact]
    public async Task A_new_host_on_the_same_store_has_everything()
    {
        string dataDirectory, cosmosDatabase;
        string buyerKey, contractId, providerKey;
        await using (var first = NewHost())
        {
            cosmosDatabase = first.CosmosDatabase;
            dataDirectory = first.DataDirectory;
            var driver = new MarketplaceDriver(first);
            var listing = await driver.ListedOfferingAsync(records: 30);
            var buyer = await driver.CreatePartyAsync("buyer");
            var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
            var page = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=12");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            (buyerKey, contractId, providerKey) = (buyer.Key, contract.Id, listing.Provider.Key);
        }

        await using var second = NewHost(dataDirectory, cosmosDatabase);
        var buyerAgain = second.ClientWithKey(buyerKey);
        var contractAgain = await MarketplaceDriver.Ok<ContractResponse>(await buyerAgain.GetAsync($"/api/v1/contracts/{contractId}"), HttpStatusCode.OK);
        var usage = await MarketplaceDriver.Ok<UsageResponse>(await buyerAgain.GetAsync($"/api/v1/contracts/{contractId}/usage"), HttpStatusCode.OK);
        var records = await buyerAgain.GetAsync($"/api/v1/contracts/{contractId}/records?limit=100");
        var providerContracts = await MarketplaceDriver.Ok<ContractListResponse>(
            await second.ClientWithKey(providerKey).GetAsync("/api/v1/contracts"), HttpStatusCode.OK);

        Assert.Equal("active", contractAgain.Status);
        Assert.Equal(12, usage.Items[0].Units);
        Assert.Equal(HttpStatusCode.OK, records.StatusCode);
        Assert.Contains(providerContracts.Items, c => c.Id == contractId);
        Directory.Delete(dataDirectory, recursive: true);
    }
}

public sealed class SqliteDurabilityTests : DurabilityTests
{
    protected override MarketplaceFactory NewHost(string? dataDirectory = null, string? cosmosDatabase = null) => new(dataDirectory);
}

public sealed class CosmosDurabilityTests(CosmosServerFixture server) : DurabilityTests, IClassFixture<CosmosServerFixture>
{
    protected override MarketplaceFactory NewHost(string? dataDirectory = null, string? cosmosDatabase = null) =>
        new(dataDirectory, cosmos: server.Server, cosmosDatabase: cosmosDatabase);
}

/// <summary>A Cosmos server for one test class.</summary>
public sealed class CosmosServerFixture : IAsyncLifetime
{
    public Marketplace.Storage.Cosmos.Tests.CosmosServer Server { get; } = new();

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
