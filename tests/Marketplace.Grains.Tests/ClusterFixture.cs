using Marketplace.Domain;
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
    // The silo configurator is created by type inside the cluster, so the clock it hands out is static.
    public static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero));

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "marketplace-grain-tests", Guid.NewGuid().ToString("N"));

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>Where the SQLite cluster keeps its store (tests read what the grains stored).</summary>
    public string DataDirectory => _dataDirectory;

    public async Task InitializeAsync()
    {
        Cluster = await BuildAsync(_dataDirectory);
        await Cluster.DeployAsync();
    }

    protected virtual Task<TestCluster> BuildAsync(string dataDirectory)
    {
        var builder = new TestClusterBuilder(1);
        builder.Properties["DataDirectory"] = dataDirectory;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        return Task.FromResult(builder.Build());
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
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
            var dataDirectory = siloBuilder.Configuration["DataDirectory"]!;
            siloBuilder.Services.AddSqliteMarketplaceStore(o => o.DataDirectory = dataDirectory);
            siloBuilder.AddSqliteGrainStorage(GrainStorage.Name);
            siloBuilder.Services.TryAddSingleton(new BillingCalendar(Time, BillingPeriod.DefaultZone));
            siloBuilder.Services.AddMarketplaceGrainServices();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>
/// Two silos sharing one Cosmos store: grain state moves between silos only through the store. The local
/// Cosmos-protocol server is used unless MARKETPLACE_COSMOS_ENDPOINT names another.
/// </summary>
public sealed class CosmosClusterFixture : ClusterFixture
{
    private readonly CosmosServer _server = new();

    protected override async Task<TestCluster> BuildAsync(string dataDirectory)
    {
        await _server.InitializeAsync();
        var builder = new TestClusterBuilder(2);
        builder.Properties["CosmosEndpoint"] = _server.Endpoint;
        builder.Properties["CosmosKey"] = _server.Key;
        builder.Properties["CosmosDatabase"] = $"grains-{Guid.NewGuid():N}";
        builder.AddSiloBuilderConfigurator<CosmosSiloConfigurator>();
        return builder.Build();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }

    private sealed class CosmosSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var c = siloBuilder.Configuration;
            void Options(CosmosStoreOptions o)
            {
                o.Endpoint = c["CosmosEndpoint"]!;
                o.Key = c["CosmosKey"]!;
                o.Database = c["CosmosDatabase"]!;
                o.AcceptAnyServerCertificate = true;
            }
            siloBuilder.Services.AddCosmosMarketplaceStore(Options);
            siloBuilder.AddCosmosGrainStorage(GrainStorage.Name, Options);
            siloBuilder.Services.TryAddSingleton(new BillingCalendar(Time, BillingPeriod.DefaultZone));
            siloBuilder.Services.AddMarketplaceGrainServices();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CosmosClusterCollection : ICollectionFixture<CosmosClusterFixture>
{
    public const string Name = "cluster-on-cosmos";
}
