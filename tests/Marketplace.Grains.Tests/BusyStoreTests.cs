using System.Diagnostics;
using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.TestingHost;

namespace Marketplace.Grains.Tests;

/// <summary>
/// Another connection (or process) holding the SQLite write lock makes this silo's writes wait, up to the busy
/// timeout. That wait must hold neither the thread pool every grain shares nor the scheduler of the grain that
/// is writing: SQLite's waits block the thread they run on.
/// </summary>
[Collection(BusyStoreClusterCollection.Name)]
public sealed class BusyStoreTests(BusyStoreClusterFixture fixture)
{
    // A bound on blocking, not a speed target: a call that reads an activated grain takes microseconds; one
    // stuck behind SQLite's busy wait takes the rest of the busy timeout.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    // How long the readers keep calling while the writers wait: well inside the busy timeout, so every writer
    // is still waiting when the last read is made.
    private static readonly TimeSpan Observed = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_write_transaction_held_open_elsewhere_does_not_delay_calls_to_unrelated_grains()
    {
        var run = Guid.NewGuid().ToString("N");
        var readers = Enumerable.Range(0, 10).Select(i => fixture.Grains.GetGrain<IPartyGrain>($"reader-{run}-{i}")).ToArray();
        await Task.WhenAll(readers.Select(r => r.Register(PartyRole.Buyer, "Reader")));
        var writers = Enumerable.Range(0, 40).Select(i => fixture.Grains.GetGrain<IPartyGrain>($"writer-{run}-{i}")).ToArray();
        await Task.WhenAll(writers.Select(w => w.GetProfile()));

        var slowest = TimeSpan.Zero;
        Task<PartyProfile>[] writes;
        using (var holder = new SqliteConnection($"Data Source={fixture.DatabaseFile};Pooling=False"))
        {
            holder.Open();
            using var transaction = holder.BeginTransaction(deferred: false);
            writes = [.. writers.Select(w => w.Register(PartyRole.Provider, "Writer"))];

            var observed = Stopwatch.StartNew();
            for (var round = 0; observed.Elapsed < Observed; round++)
            {
                // Activated grains answer from memory; a new activation reads its state from the busy file.
                foreach (var reader in readers.Append(fixture.Grains.GetGrain<IPartyGrain>($"newcomer-{run}-{round}")))
                {
                    var call = Stopwatch.StartNew();
                    await reader.GetProfile();
                    slowest = call.Elapsed > slowest ? call.Elapsed : slowest;
                }
            }

            Assert.All(writes, w => Assert.False(w.IsCompleted, "a write completed while another connection held the write lock"));
            transaction.Rollback();
        }

        Assert.True(slowest < Bound, $"the slowest call to an unrelated grain took {slowest.TotalMilliseconds:F0} ms");
        var registered = await Task.WhenAll(writes);
        Assert.All(registered, p => Assert.Equal(PartyRole.Provider, p.Role));
        using var store = new SqliteDatabase(new SqliteStoreOptions { DataDirectory = fixture.DataDirectory });
        var directory = await new SqlitePartyDirectory(store).ListAsync(null, Storage.IndexLimits.MaxPageSize);
        Assert.Superset(writers.Select(w => w.GetPrimaryKeyString()).ToHashSet(), directory.Items.Select(p => p.PartyId).ToHashSet());
    }

    [Fact]
    public async Task A_grain_whose_write_waits_on_a_busy_database_still_runs_calls_that_interleave()
    {
        var probe = fixture.Grains.GetGrain<IStoreProbeGrain>($"probe-{Guid.NewGuid():N}");
        await probe.Ping();

        var slowest = TimeSpan.Zero;
        Task write;
        using (var holder = new SqliteConnection($"Data Source={fixture.DatabaseFile};Pooling=False"))
        {
            holder.Open();
            using var transaction = holder.BeginTransaction(deferred: false);
            write = probe.Write("stored");

            var observed = Stopwatch.StartNew();
            while (observed.Elapsed < Observed)
            {
                var call = Stopwatch.StartNew();
                await probe.Ping();
                slowest = call.Elapsed > slowest ? call.Elapsed : slowest;
            }

            Assert.False(write.IsCompleted, "the write completed while another connection held the write lock");
            transaction.Rollback();
        }

        Assert.True(slowest < Bound, $"the slowest interleaving call took {slowest.TotalMilliseconds:F0} ms");
        await write;
        Assert.Equal("stored", await probe.Read());
    }
}

/// <summary>A grain with stored state whose <see cref="Ping"/> may run while a <see cref="Write"/> awaits the store.</summary>
[Alias("Marketplace.Grains.Tests.IStoreProbeGrain")]
public interface IStoreProbeGrain : IGrainWithStringKey
{
    [Alias("Write")]
    Task Write(string value);

    [Alias("Read")]
    Task<string?> Read();

    [Alias("Ping"), Orleans.Concurrency.AlwaysInterleave]
    Task Ping();
}

[GenerateSerializer, Alias("Marketplace.Grains.Tests.StoreProbeState")]
public sealed class StoreProbeState
{
    [Id(0)] public string? Value { get; set; }
}

public sealed class StoreProbeGrain([PersistentState("probe", GrainStorage.Name)] IPersistentState<StoreProbeState> state) : Grain, IStoreProbeGrain
{
    public Task Write(string value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }

    public Task<string?> Read() => Task.FromResult(state.State.Value);

    public Task Ping() => Task.CompletedTask;
}

/// <summary>A cluster of its own, so holding its database's write lock delays no other test's writes.</summary>
public sealed class BusyStoreClusterFixture : ClusterFixture
{
    /// <summary>Long enough that the writers are still waiting when the test has made its checks.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    public string DatabaseFile => Path.Combine(DataDirectory, new SqliteStoreOptions().FileName);

    protected override Task<TestCluster> BuildAsync(string dataDirectory)
    {
        var builder = new TestClusterBuilder(1);
        AddClock(builder);
        TestClusterStores.UseSqlite(builder, dataDirectory);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        return Task.FromResult(builder.Build());
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            void Options(SqliteStoreOptions o)
            {
                o.DataDirectory = siloBuilder.Configuration["DataDirectory"]!;
                o.BusyTimeout = BusyTimeout;
            }
            siloBuilder.Services.AddSqliteMarketplaceStore(Options);
            siloBuilder.AddSqliteGrainStorage(GrainStorage.Name, Options);
            siloBuilder.Services.TryAddSingleton(CalendarOf(siloBuilder.Configuration));
            siloBuilder.Services.AddMarketplaceGrainServices();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BusyStoreClusterCollection : ICollectionFixture<BusyStoreClusterFixture>
{
    public const string Name = "cluster-with-a-busy-store";
}
