using Marketplace.Storage;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Marketplace.Grains.Tests.Interruptions;

/// <summary>
/// A cluster on SQLite whose writes can be interrupted (<see cref="Interruptions"/>) and whose clock is its own, so
/// tests can move past the grace period of the cross-grain sweep.
/// </summary>
public sealed class InterruptionClusterFixture() : ClusterFixture(new FakeTimeProvider(Start))
{
    /// <summary>The silo's services: the store's ports as the grains see them, and the sweep.</summary>
    public IServiceProvider Silo => ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services;

    public WriteInterruptions Interruptions => Silo.GetRequiredService<WriteInterruptions>();

    public ReconciliationSweep Sweep => Silo.GetRequiredService<ReconciliationSweep>();

    protected override Task<TestCluster> BuildAsync(string dataDirectory)
    {
        var builder = new TestClusterBuilder(1);
        AddClock(builder);
        builder.Properties["DataDirectory"] = dataDirectory;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        return Task.FromResult(builder.Build());
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var dataDirectory = siloBuilder.Configuration["DataDirectory"]!;
            var services = siloBuilder.Services;
            var interruptions = new WriteInterruptions();
            services.AddSingleton(interruptions);
            // Registered before the store, whose registrations only fill what is missing.
            services.AddSingleton<IHoldingsIndex>(sp => new InterruptingHoldingsIndex(sp.GetRequiredService<SqliteHoldingsIndex>(), interruptions));
            services.AddSingleton<IPartyDirectory>(sp => new InterruptingPartyDirectory(sp.GetRequiredService<SqlitePartyDirectory>(), interruptions));
            services.AddSingleton<ICatalogIndex>(sp => new InterruptingCatalogIndex(sp.GetRequiredService<SqliteCatalogIndex>(), interruptions));
            services.AddSingleton<IOutbox>(sp => new InterruptingOutbox(sp.GetRequiredService<SqliteOutbox>(), interruptions));
            services.AddSqliteMarketplaceStore(o => o.DataDirectory = dataDirectory);
            services.AddGrainStorage(GrainStorage.Name, (sp, _) => new InterruptingGrainStorage(
                new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<Serializer>()), interruptions));
            services.TryAddSingleton(CalendarOf(siloBuilder.Configuration));
            services.AddMarketplaceGrainServices();
            // Tests sweep when they choose (ReconciliationSweep.SweepOnceAsync, or a sweeper of their own), so a
            // background sweep never races their assertions.
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ReconciliationSweeper)));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InterruptionCollection : ICollectionFixture<InterruptionClusterFixture>
{
    public const string Name = "cluster-with-interruptions";
}
