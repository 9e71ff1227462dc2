using Marketplace.Storage;
using Marketplace.Storage.Cosmos;
using Marketplace.Storage.Cosmos.Tests;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Marketplace.Grains.Tests.Interruptions;

/// <summary>
/// A one-silo cluster whose writes can be interrupted (<see cref="Interruptions"/>) and whose clock is its own, so
/// tests can move past the grace period of the reconciliation sweep. On SQLite; see <see cref="CosmosInterruptionClusterFixture"/>.
/// </summary>
public class InterruptionClusterFixture() : ClusterFixture(new FakeTimeProvider(Start))
{
    /// <summary>The silo's services: the store's ports as the grains see them, and the sweep.</summary>
    public IServiceProvider Silo => ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services;

    public WriteInterruptions Interruptions => Silo.GetRequiredService<WriteInterruptions>();

    public ReconciliationSweep Sweep => Silo.GetRequiredService<ReconciliationSweep>();

    protected override Task<TestCluster> BuildAsync(string dataDirectory)
    {
        var builder = new TestClusterBuilder(1);
        AddClock(builder);
        TestClusterStores.UseSqlite(builder, dataDirectory);
        builder.AddSiloBuilderConfigurator<SqliteSiloConfigurator>();
        return Task.FromResult(builder.Build());
    }

    /// <summary>Wraps every port the grains write through, and the grain storage, in the interruptions.</summary>
    protected static void Interrupt(ISiloBuilder siloBuilder)
    {
        ArgumentNullException.ThrowIfNull(siloBuilder);
        var services = siloBuilder.Services;
        var interruptions = new WriteInterruptions();
        services.AddSingleton(interruptions);
        Wrap<IHoldingsIndex>(services, inner => new InterruptingHoldingsIndex(inner, interruptions));
        Wrap<IPartyDirectory>(services, inner => new InterruptingPartyDirectory(inner, interruptions));
        Wrap<ICatalogIndex>(services, inner => new InterruptingCatalogIndex(inner, interruptions));
        Wrap<IOutbox>(services, inner => new InterruptingOutbox(inner, interruptions));
        var grainStorage = services.Last(d => d.IsKeyedService && Equals(d.ServiceKey, GrainStorage.Name) && d.ServiceType == typeof(IGrainStorage));
        var create = grainStorage.KeyedImplementationFactory!;
        services.Remove(grainStorage);
        services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, (sp, key) => new InterruptingGrainStorage((IGrainStorage)create(sp, key), interruptions));

        services.TryAddSingleton(CalendarOf(siloBuilder.Configuration));
        services.AddMarketplaceGrainServices();
        // Tests sweep when they choose (ReconciliationSweep.SweepOnceAsync, or a sweeper of their own), so a
        // background sweep never races their assertions.
        services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ReconciliationSweeper)));
    }

    private static void Wrap<T>(IServiceCollection services, Func<T, T> decorate) where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T) && !d.IsKeyedService);
        var create = original.ImplementationFactory!;
        services.Replace(ServiceDescriptor.Singleton(sp => decorate((T)create(sp))));
    }

    private sealed class SqliteSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            TestClusterStores.AddStore(siloBuilder);
            Interrupt(siloBuilder);
        }
    }
}

/// <summary>The same on the Cosmos store (the local Cosmos-protocol server unless MARKETPLACE_COSMOS_ENDPOINT names another).</summary>
public sealed class CosmosInterruptionClusterFixture : InterruptionClusterFixture
{
    private readonly CosmosServer _server = new();

    protected override Task<TestCluster> BuildAsync(string dataDirectory) => BuildOnCosmosAsync<CosmosSiloConfigurator>(_server, silos: 1, "interruptions");

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
            Interrupt(siloBuilder);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InterruptionCollection : ICollectionFixture<InterruptionClusterFixture>
{
    public const string Name = "cluster-with-interruptions";
}

[CollectionDefinition(Name)]
public sealed class CosmosInterruptionCollection : ICollectionFixture<CosmosInterruptionClusterFixture>
{
    public const string Name = "cluster-on-cosmos-with-interruptions";
}
