using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteIndexTests : IndexConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<IHoldingsIndex> OpenHoldingsAsync() =>
        Task.FromResult<IHoldingsIndex>(files.Open(database => new SqliteHoldingsIndex(database)));

    protected override Task<IPartyDirectory> OpenDirectoryAsync() =>
        Task.FromResult<IPartyDirectory>(files.Open(database => new SqlitePartyDirectory(database)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}
