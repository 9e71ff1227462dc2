using Marketplace.Domain;
using Marketplace.Grains.Tests.Faults;
using Marketplace.Storage.Cosmos;
using Marketplace.Storage.Cosmos.Tests;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Marketplace.Grains.Tests;

/// <summary>One TestCluster with the real SQLite store in a temporary directory, shared by the grain tests.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The clock of the shared clusters, read by tests running in parallel: never move it. A test that moves
    /// time runs on a <see cref="OwnClockClusterFixture"/>, whose <see cref="Clock"/> is its own.
    /// </summary>
    public static readonly FakeTimeProvider Time = new(Start);

    // The silo configurator is created by type inside the cluster, so it finds its cluster's clock by a key.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FakeTimeProvider> Clocks = new();

    // Likewise the switch of each cluster's failing writes.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, WriteFaults> FaultsByCluster = new();

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "marketplace-grain-tests", Guid.NewGuid().ToString("N"));
    private readonly string _clockKey = Guid.NewGuid().ToString("N");

    public ClusterFixture()
        : this(Time)
    {
    }

    protected ClusterFixture(FakeTimeProvider clock) => Clock = clock;

    /// <summary>The clock of this cluster's billing calendar.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Makes this cluster's grain state writes fail on demand; nothing fails unless a test arms it.</summary>
    public WriteFaults Faults { get; } = new();

    /// <summary>How this cluster's store fails on its own (not mapped to an outage): what a full disk or a server error throws.</summary>
    public virtual Exception RawStoreFailure() => new Microsoft.Data.Sqlite.SqliteException("disk I/O error", 10);

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>Where the SQLite cluster keeps its store (tests read what the grains stored).</summary>
    public string DataDirectory => _dataDirectory;

    public async Task InitializeAsync()
    {
        Clocks[_clockKey] = Clock;
        FaultsByCluster[_clockKey] = Faults;
        Cluster = await BuildAsync(_dataDirectory);
        await Cluster.DeployAsync();
    }

    /// <summary>Puts the key of this cluster's clock where the silo configurator finds it.</summary>
    protected void AddClock(TestClusterBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Properties["ClockKey"] = _clockKey;
    }

    /// <summary>Puts a failing layer, switched by this cluster's <see cref="Faults"/>, over the grain storage the silo registered.</summary>
    protected static void AddWriteFaults(ISiloBuilder siloBuilder)
    {
        ArgumentNullException.ThrowIfNull(siloBuilder);
        FaultsByCluster[siloBuilder.Configuration["ClockKey"]!].Decorate(siloBuilder.Services, GrainStorage.Name);
    }

    protected static BillingCalendar CalendarOf(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        new(Clocks[configuration["ClockKey"]!], BillingPeriod.DefaultZone);

    /// <summary>Starts the local Cosmos-protocol server and builds a cluster over a fresh database of it.</summary>
    protected async Task<TestCluster> BuildOnCosmosAsync<TConfigurator>(CosmosServer server, int silos, string databasePrefix)
        where TConfigurator : ISiloConfigurator, new()
    {
        ArgumentNullException.ThrowIfNull(server);
        await server.InitializeAsync();
        var builder = new TestClusterBuilder((short)silos);
        AddClock(builder);
        TestClusterStores.UseCosmos(builder, server, $"{databasePrefix}-{Guid.NewGuid():N}");
        builder.AddSiloBuilderConfigurator<TConfigurator>();
        return builder.Build();
    }

    protected virtual Task<TestCluster> BuildAsync(string dataDirectory)
    {
        var builder = new TestClusterBuilder(1);
        AddClock(builder);
        TestClusterStores.UseSqlite(builder, dataDirectory);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        return Task.FromResult(builder.Build());
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Clocks.TryRemove(_clockKey, out _);
        FaultsByCluster.TryRemove(_clockKey, out _);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            TestClusterStores.AddStore(siloBuilder);
            AddWriteFaults(siloBuilder);
            siloBuilder.Services.TryAddSingleton(CalendarOf(siloBuilder.Configuration));
            siloBuilder.Services.AddMarketplaceGrainServices();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>A cluster whose clock no other collection reads: the home of tests that move time.</summary>
public sealed class OwnClockClusterFixture() : ClusterFixture(new FakeTimeProvider(Start));

[CollectionDefinition(Name)]
public sealed class OwnClockClusterCollection : ICollectionFixture<OwnClockClusterFixture>
{
    public const string Name = "cluster-with-its-own-clock";
}

/// <summary>
/// Two silos sharing one Cosmos store: grain state moves between silos only through the store. The local
/// Cosmos-protocol server is used unless MARKETPLACE_COSMOS_ENDPOINT names another.
/// </summary>
public sealed class CosmosClusterFixture : ClusterFixture
{
    private readonly CosmosServer _server = new();

    public override Exception RawStoreFailure() =>
        new Microsoft.Azure.Cosmos.CosmosException("Internal server error", System.Net.HttpStatusCode.InternalServerError, 0, "", 0);

    protected override Task<TestCluster> BuildAsync(string dataDirectory) => BuildOnCosmosAsync<CosmosSiloConfigurator>(_server, silos: 2, "grains");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }

    private sealed class CosmosSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            TestClusterStores.AddStore(siloBuilder);
            AddWriteFaults(siloBuilder);
            siloBuilder.Services.TryAddSingleton(CalendarOf(siloBuilder.Configuration));
            siloBuilder.Services.AddMarketplaceGrainServices();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CosmosClusterCollection : ICollectionFixture<CosmosClusterFixture>
{
    public const string Name = "cluster-on-cosmos";
}
