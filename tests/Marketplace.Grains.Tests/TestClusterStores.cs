using Marketplace.Storage.Cosmos;
using Marketplace.Storage.Cosmos.Tests;
using Marketplace.Storage.Sqlite;
using Orleans.TestingHost;

namespace Marketplace.Grains.Tests;

/// <summary>
/// How every test cluster puts a store in its silos: the builder carries where the store is (silo configurators are
/// created by type inside the cluster, so they read it from the configuration), and each silo registers the store's
/// ports and its grain storage from there.
/// </summary>
internal static class TestClusterStores
{
    public static void UseSqlite(TestClusterBuilder builder, string dataDirectory) => builder.Properties["DataDirectory"] = dataDirectory;

    public static void UseCosmos(TestClusterBuilder builder, CosmosServer server, string database)
    {
        builder.Properties["CosmosEndpoint"] = server.Endpoint;
        builder.Properties["CosmosKey"] = server.Key;
        builder.Properties["CosmosDatabase"] = database;
    }

    /// <summary>Registers the store <see cref="UseSqlite"/> or <see cref="UseCosmos"/> named for the cluster.</summary>
    public static void AddStore(ISiloBuilder siloBuilder)
    {
        var c = siloBuilder.Configuration;
        if (c["DataDirectory"] is { } dataDirectory)
        {
            siloBuilder.Services.AddSqliteMarketplaceStore(o => o.DataDirectory = dataDirectory);
            siloBuilder.AddSqliteGrainStorage(GrainStorage.Name);
            return;
        }
        void Options(CosmosStoreOptions o)
        {
            o.Endpoint = c["CosmosEndpoint"]!;
            o.Key = c["CosmosKey"]!;
            o.Database = c["CosmosDatabase"]!;
            o.AcceptAnyServerCertificate = true;
        }
        siloBuilder.Services.AddCosmosMarketplaceStore(Options);
        siloBuilder.AddCosmosGrainStorage(GrainStorage.Name, Options);
    }
}
