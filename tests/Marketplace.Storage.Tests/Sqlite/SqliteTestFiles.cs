using Marketplace.Storage.Sqlite;

namespace Marketplace.Storage.Tests.Sqlite;

/// <summary>
/// One test's own database directory. Each <see cref="Open{T}"/> is a fresh process's view of the same file
/// (a new <see cref="SqliteDatabase"/> and adapter); <see cref="CloseAsync"/> shuts one down cleanly.
/// Everything is closed and the directory deleted on dispose.
/// </summary>
internal sealed class SqliteTestFiles : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "marketplace-storage-tests", Guid.NewGuid().ToString("N"));
    private readonly List<(object Adapter, SqliteDatabase Database)> open = [];

    /// <summary>The directory the test's database files live in.</summary>
    public string Directory => directory;

    public T Open<T>(Func<SqliteDatabase, T> create, Action<SqliteStoreOptions>? configure = null)
        where T : class
    {
        var options = new SqliteStoreOptions { DataDirectory = directory };
        configure?.Invoke(options);
        var database = new SqliteDatabase(options);
        var adapter = create(database);
        open.Add((adapter, database));
        return adapter;
    }

    public async Task CloseAsync(object adapter)
    {
        var index = open.FindIndex(entry => ReferenceEquals(entry.Adapter, adapter));
        var (_, database) = open[index];
        open.RemoveAt(index);
        await CloseAsync(adapter, database);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = open.Count - 1; i >= 0; i--)
        {
            await CloseAsync(open[i].Adapter, open[i].Database);
        }

        open.Clear();
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task CloseAsync(object adapter, SqliteDatabase database)
    {
        if (adapter is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }

        database.Dispose();
    }
}
