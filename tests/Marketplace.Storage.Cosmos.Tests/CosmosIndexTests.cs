using Marketplace.Storage.Cosmos.Indexes;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosIndexTests(CosmosServer server) : IndexConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IHoldingsIndex> OpenHoldingsAsync() => Task.FromResult<IHoldingsIndex>(new CosmosHoldingsIndex(stores.Open()));

    protected override Task<IPartyDirectory> OpenDirectoryAsync() => Task.FromResult<IPartyDirectory>(new CosmosPartyDirectory(stores.Open()));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
