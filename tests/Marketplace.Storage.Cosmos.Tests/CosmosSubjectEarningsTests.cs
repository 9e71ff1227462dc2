using Marketplace.Storage.Cosmos.Indexes;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosSubjectEarningsTests(CosmosServer server) : SubjectEarningsConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<ISubjectEarnings> OpenAsync() => Task.FromResult<ISubjectEarnings>(new CosmosSubjectEarnings(stores.Open()));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
