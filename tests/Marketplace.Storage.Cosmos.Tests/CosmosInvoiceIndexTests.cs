using Marketplace.Storage.Cosmos.Indexes;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosInvoiceIndexTests(CosmosServer server) : InvoiceIndexConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IInvoiceIndex> OpenAsync() => Task.FromResult<IInvoiceIndex>(new CosmosInvoiceIndex(stores.Open()));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
