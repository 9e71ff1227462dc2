using Marketplace.Storage.Cosmos.Catalog;
using Marketplace.Storage.Cosmos.Consent;
using Marketplace.Storage.Cosmos.Indexes;
using Marketplace.Storage.Cosmos.Outbox;
using Marketplace.Storage.Cosmos.Records;
using Marketplace.Storage.Cosmos.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace Marketplace.Storage.Cosmos;

public static class CosmosStoreRegistration
{
    /// <summary>
    /// Registers the Cosmos store: one <see cref="CosmosStore"/> (database and containers created at start-up,
    /// or when first used) and the Cosmos adapters of <see cref="IRecordStore"/>, <see cref="IUsageLedger"/>,
    /// <see cref="ICatalogIndex"/>, <see cref="IOutbox"/> (its container likewise), <see cref="IHoldingsIndex"/>,
    /// <see cref="IPartyDirectory"/> and <see cref="IInvoiceIndex"/>, all singletons.
    /// </summary>
    public static IServiceCollection AddCosmosMarketplaceStore(this IServiceCollection services, Action<CosmosStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddStore(services, configure);
        services.TryAddSingleton<CosmosRecordStore>();
        services.TryAddSingleton<IRecordStore>(sp => sp.GetRequiredService<CosmosRecordStore>());
        services.TryAddSingleton<CosmosUsageLedger>();
        services.TryAddSingleton<IUsageLedger>(sp => sp.GetRequiredService<CosmosUsageLedger>());
        services.TryAddSingleton<CosmosCatalogIndex>();
        services.TryAddSingleton<ICatalogIndex>(sp => sp.GetRequiredService<CosmosCatalogIndex>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CosmosCatalogFeed>());
        services.TryAddSingleton<CosmosOutbox>();
        services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<CosmosOutbox>());
        services.TryAddSingleton<CosmosHoldingsIndex>();
        services.TryAddSingleton<IHoldingsIndex>(sp => sp.GetRequiredService<CosmosHoldingsIndex>());
        services.TryAddSingleton<CosmosPartyDirectory>();
        services.TryAddSingleton<IPartyDirectory>(sp => sp.GetRequiredService<CosmosPartyDirectory>());
        services.TryAddSingleton<CosmosInvoiceIndex>();
        services.TryAddSingleton<IInvoiceIndex>(sp => sp.GetRequiredService<CosmosInvoiceIndex>());
        services.TryAddSingleton<CosmosSubjectEarnings>();
        services.TryAddSingleton<ISubjectEarnings>(sp => sp.GetRequiredService<CosmosSubjectEarnings>());
        services.TryAddSingleton<CosmosConsentIndex>();
        services.TryAddSingleton<IConsentIndex>(sp => sp.GetRequiredService<CosmosConsentIndex>());
        services.TryAddSingleton<CosmosProvisionLog>();
        services.TryAddSingleton<IProvisionLog>(sp => sp.GetRequiredService<CosmosProvisionLog>());
        return services;
    }

    /// <summary>Registers <see cref="CosmosGrainStorage"/> as the Orleans grain storage provider called <paramref name="name"/>.</summary>
    public static ISiloBuilder AddCosmosGrainStorage(this ISiloBuilder builder, string name, Action<CosmosStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCosmosGrainStorage(name, configure);
        return builder;
    }

    /// <inheritdoc cref="AddCosmosGrainStorage(ISiloBuilder, string, Action{CosmosStoreOptions}?)"/>
    public static IServiceCollection AddCosmosGrainStorage(this IServiceCollection services, string name, Action<CosmosStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        AddStore(services, configure);
        services.AddGrainStorage(name, (sp, _) => new CosmosGrainStorage(sp.GetRequiredService<CosmosStore>(), sp.GetRequiredService<Serializer>()));
        return services;
    }

    // Both entry points share one client (one connection pool) however often they are called.
    private static void AddStore(IServiceCollection services, Action<CosmosStoreOptions>? configure)
    {
        var options = services.AddOptions<CosmosStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp => new CosmosStore(
            sp.GetRequiredService<IOptions<CosmosStoreOptions>>().Value, sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CosmosStoreInitializer>());
    }

    /// <summary>
    /// Builds the in-memory catalog from the container while the host starts (before it serves a search), then
    /// keeps it fed from the change feed until the host stops.
    /// </summary>
    private sealed class CosmosCatalogFeed(CosmosCatalogIndex index) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => index.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => index.StopAsync();
    }

    /// <summary>Creates the database and containers while the host starts, so a bad endpoint or key fails fast.</summary>
    private sealed class CosmosStoreInitializer(CosmosStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
