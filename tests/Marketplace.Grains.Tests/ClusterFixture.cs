using Marketplace.Domain;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Marketplace.Grains.Tests;

/// <summary>One TestCluster with the real SQLite store in a temporary directory, shared by the grain tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    // The silo configurator is created by type inside the cluster, so the clock it hands out is static.
    public static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero));

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "marketplace-grain-tests", Guid.NewGuid().ToString("N"));

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.Properties["DataDirectory"] = _dataDirectory;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
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
