using Marketplace.Storage.Cosmos.Catalog;
using Marketplace.Storage.Cosmos.Consent;
using Marketplace.Storage.Cosmos.Indexes;
using Marketplace.Storage.Cosmos.Records;
using Marketplace.Storage.Tests.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosGrainStorageTests(CosmosServer server) : GrainStorageConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);
    private readonly ServiceProvider services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(CounterState).Assembly))
        .BuildServiceProvider();

    protected override Task<IGrainStorage> OpenStorageAsync() =>
        Task.FromResult<IGrainStorage>(new CosmosGrainStorage(stores.Open(), services.GetRequiredService<Serializer>()));

    [Fact]
    public async Task State_written_by_one_process_is_read_and_replaced_by_another()
    {
        var first = await OpenStorageAsync();
        var second = await OpenStorageAsync();
        var grain = GrainId.Create("test", "moving");
        var written = new GrainState<CounterState>(new CounterState { Count = 1 });
        await first.WriteStateAsync("counter", grain, written);

        var read = new GrainState<CounterState>();
        await second.ReadStateAsync("counter", grain, read);
        read.State!.Count = 2;
        await second.WriteStateAsync("counter", grain, read);

        written.State!.Count = 99;
        await Assert.ThrowsAsync<InconsistentStateException>(() => first.WriteStateAsync("counter", grain, written));
    }

    [Fact]
    public async Task The_registration_provides_a_keyed_grain_storage_and_the_store_ports_over_one_client_and_creates_the_containers_at_start()
    {
        var database = "test-" + Guid.NewGuid().ToString("N");
        var template = server.Options(database);
        await using (var provider = new ServiceCollection()
            .AddSerializer(serializer => serializer.AddAssembly(typeof(CounterState).Assembly))
            .AddCosmosMarketplaceStore(options =>
            {
                options.Endpoint = template.Endpoint;
                options.Key = template.Key;
                options.Database = database;
                options.AcceptAnyServerCertificate = true;
            })
            .AddCosmosGrainStorage("marketplace")
            .BuildServiceProvider())
        {
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }

            Assert.IsType<CosmosGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("marketplace"));
            Assert.IsType<CosmosRecordStore>(provider.GetRequiredService<IRecordStore>());
            Assert.IsType<CosmosCatalogIndex>(provider.GetRequiredService<ICatalogIndex>());
            Assert.IsType<CosmosHoldingsIndex>(provider.GetRequiredService<IHoldingsIndex>());
            Assert.IsType<CosmosPartyDirectory>(provider.GetRequiredService<IPartyDirectory>());
            Assert.IsType<CosmosConsentIndex>(provider.GetRequiredService<IConsentIndex>());
            Assert.IsType<CosmosProvisionLog>(provider.GetRequiredService<IProvisionLog>());
            await provider.GetRequiredService<IUsageLedger>().AppendAsync([
                new UsageRecord("e-1", "c-1", "2025-04", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "test", null)]);
            Assert.Equal(1, (await provider.GetRequiredService<IUsageLedger>().GetTotalsAsync("c-1", "2025-04")).Units);
            await provider.GetRequiredService<CosmosStore>().DeleteDatabaseAsync();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await stores.DisposeAsync();
        await services.DisposeAsync();
    }
}
