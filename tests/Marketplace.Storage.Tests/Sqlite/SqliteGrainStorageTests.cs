using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteGrainStorageTests : GrainStorageConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();
    private readonly ServiceProvider services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(CounterState).Assembly))
        .BuildServiceProvider();

    protected override Task<IGrainStorage> OpenStorageAsync() =>
        Task.FromResult<IGrainStorage>(files.Open(database => new SqliteGrainStorage(database, services.GetRequiredService<Serializer>())));

    [Fact]
    public async Task The_registration_provides_a_keyed_grain_storage_and_the_store_ports_over_one_database()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-storage-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var provider = new ServiceCollection()
                .AddSerializer(serializer => serializer.AddAssembly(typeof(CounterState).Assembly))
                .AddSqliteMarketplaceStore(options => options.DataDirectory = directory)
                .AddSqliteGrainStorage("marketplace")
                .BuildServiceProvider())
            {
                Assert.IsType<SqliteGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("marketplace"));
                Assert.IsType<SqliteRecordStore>(provider.GetRequiredService<IRecordStore>());
                Assert.IsType<SqliteCatalogIndex>(provider.GetRequiredService<ICatalogIndex>());
                Assert.IsType<SqliteHoldingsIndex>(provider.GetRequiredService<IHoldingsIndex>());
                Assert.IsType<SqlitePartyDirectory>(provider.GetRequiredService<IPartyDirectory>());
                Assert.IsType<SqliteConsentIndex>(provider.GetRequiredService<IConsentIndex>());
                Assert.IsType<SqliteProvisionLog>(provider.GetRequiredService<IProvisionLog>());
                await provider.GetRequiredService<IUsageLedger>().AppendAsync([
                    new UsageRecord("e-1", "c-1", "2025-04", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "test", null)]);
            }

            Assert.True(File.Exists(Path.Combine(directory, "marketplace.db")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await files.DisposeAsync();
        await services.DisposeAsync();
    }
}
