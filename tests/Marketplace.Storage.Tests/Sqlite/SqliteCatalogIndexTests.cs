using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteCatalogIndexTests : CatalogIndexConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<ICatalogIndex> OpenIndexAsync() =>
        Task.FromResult<ICatalogIndex>(files.Open(database => new SqliteCatalogIndex(database)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}
