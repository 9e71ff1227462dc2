using Marketplace.Storage.Cosmos.Consent;
using Marketplace.Storage.Cosmos.Records;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosConsentIndexTests(CosmosServer server) : ConsentIndexConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IConsentIndex> OpenAsync() => Task.FromResult<IConsentIndex>(new CosmosConsentIndex(stores.Open()));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosProvisionLogTests(CosmosServer server) : ProvisionLogConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IProvisionLog> OpenAsync() => Task.FromResult<IProvisionLog>(new CosmosProvisionLog(stores.Open()));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}

/// <summary>Ten records per partition, so a redaction and the pages after it cross several of a revision's buckets.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosRecordRedactionTests(CosmosServer server) : RecordRedactionConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IRecordStore> OpenStoreAsync() =>
        Task.FromResult<IRecordStore>(new CosmosRecordStore(stores.Open(options => options.RecordsPerPartition = 10)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
