namespace Marketplace.Storage.Cosmos.Tests;

/// <summary>
/// One test's own Cosmos database. Each <see cref="Open"/> is a fresh process's view of it (a new client and
/// store); everything is disposed and the database deleted at the end.
/// </summary>
internal sealed class CosmosTestStores(CosmosServer server) : IAsyncDisposable
{
    private readonly List<CosmosStore> open = [];

    public string Database { get; } = "test-" + Guid.NewGuid().ToString("N");

    public CosmosStore Open(Action<CosmosStoreOptions>? configure = null, TimeProvider? time = null)
    {
        var store = new CosmosStore(server.Options(Database, configure), time);
        open.Add(store);
        return store;
    }

    public void Close(CosmosStore store)
    {
        open.Remove(store);
        store.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        using (var cleaner = new CosmosStore(server.Options(Database)))
        {
            await cleaner.DeleteDatabaseAsync();
        }

        foreach (var store in open)
        {
            store.Dispose();
        }

        open.Clear();
    }
}

/// <summary>The system clock moved ahead: a process that starts after some time has passed.</summary>
internal sealed class ShiftedTimeProvider(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
