using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace Marketplace.Storage.Sqlite;

public static class SqliteStoreRegistration
{
    /// <summary>
    /// Registers the embedded store: <see cref="SqliteDatabase"/> (schema created when first resolved) and the
    /// SQLite adapters of <see cref="IRecordStore"/>, <see cref="IUsageLedger"/>, <see cref="ICatalogIndex"/> and
    /// <see cref="IOutbox"/>, plus <see cref="IHoldingsIndex"/> and <see cref="IPartyDirectory"/>, all singletons.
    /// </summary>
    public static IServiceCollection AddSqliteMarketplaceStore(this IServiceCollection services, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddDatabase(services, configure);
        services.TryAddSingleton<SqliteRecordStore>();
        services.TryAddSingleton<IRecordStore>(sp => sp.GetRequiredService<SqliteRecordStore>());
        services.TryAddSingleton<SqliteUsageLedger>();
        services.TryAddSingleton<IUsageLedger>(sp => sp.GetRequiredService<SqliteUsageLedger>());
        services.TryAddSingleton<SqliteCatalogIndex>();
        services.TryAddSingleton<ICatalogIndex>(sp => sp.GetRequiredService<SqliteCatalogIndex>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteCatalogLoad>());
        services.TryAddSingleton<SqliteOutbox>();
        services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<SqliteOutbox>());
        services.TryAddSingleton<SqliteHoldingsIndex>();
        services.TryAddSingleton<IHoldingsIndex>(sp => sp.GetRequiredService<SqliteHoldingsIndex>());
        services.TryAddSingleton<SqlitePartyDirectory>();
        services.TryAddSingleton<IPartyDirectory>(sp => sp.GetRequiredService<SqlitePartyDirectory>());
        services.TryAddSingleton<SqliteInvoiceIndex>();
        services.TryAddSingleton<IInvoiceIndex>(sp => sp.GetRequiredService<SqliteInvoiceIndex>());
        services.TryAddSingleton<SqliteConsentIndex>();
        services.TryAddSingleton<IConsentIndex>(sp => sp.GetRequiredService<SqliteConsentIndex>());
        services.TryAddSingleton<SqliteProvisionLog>();
        services.TryAddSingleton<IProvisionLog>(sp => sp.GetRequiredService<SqliteProvisionLog>());
        services.TryAddSingleton<SqliteSubjectEarnings>();
        services.TryAddSingleton<ISubjectEarnings>(sp => sp.GetRequiredService<SqliteSubjectEarnings>());
        return services;
    }

    /// <summary>Registers <see cref="SqliteGrainStorage"/> as the Orleans grain storage provider called <paramref name="name"/>.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqliteGrainStorage(name, configure);
        return builder;
    }

    /// <inheritdoc cref="AddSqliteGrainStorage(ISiloBuilder, string, Action{SqliteStoreOptions}?)"/>
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string name, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        AddDatabase(services, configure);
        services.AddGrainStorage(name, (sp, _) =>
            new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<Serializer>()));
        return services;
    }

    // Both entry points share one database (one file, one writer thread) however often they are called.
    private static void AddDatabase(IServiceCollection services, Action<SqliteStoreOptions>? configure)
    {
        var options = services.AddOptions<SqliteStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value));
    }

    /// <summary>Loads the in-memory catalog while the host starts, so the first visitor does not wait for it.</summary>
    private sealed class SqliteCatalogLoad(SqliteCatalogIndex index) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => index.LoadAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
