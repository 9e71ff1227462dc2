using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The embedded store's single database file: WAL journal, schema created at construction, pooled
/// connections handed out per operation, and one write gate so writers in this process queue instead of
/// spinning on SQLITE_BUSY (SQLite admits one writer at a time).
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly string connectionPragmas;
    private bool disposed;

    public SqliteDatabase(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Directory.CreateDirectory(options.DataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(options.DataDirectory, options.FileName));
        // PRAGMA takes no parameters; the only value formatted in is an integer.
        var busyMilliseconds = (int)Math.Clamp(options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);
        connectionPragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {busyMilliseconds};");
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY itself until this many seconds pass (0 = forever).
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();

        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        // WAL is a property of the file: readers never block the writer and vice versa.
        command.CommandText = "PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();
        // IMMEDIATE: several databases opening the same file at once wait on the busy timeout rather than
        // failing to upgrade a read lock.
        using var transaction = connection.BeginTransaction(deferred: false);
        command.Transaction = transaction;
        command.CommandText = SqliteSchema.Create;
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>The value <c>PRAGMA synchronous</c> reports for NORMAL.</summary>
    public const long SynchronousNormal = 1;

    /// <summary>The value <c>PRAGMA synchronous</c> reports for FULL.</summary>
    public const long SynchronousFull = 2;

    public SqliteStoreOptions Options { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    /// <summary>Opens a (pooled) connection with this store's per-connection settings applied.</summary>
    public SqliteConnection OpenConnection()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // Per-connection settings, so they are set on every open (a pooled connection keeps them; this is cheap,
            // and resets a connection the ledger set to FULL). synchronous = NORMAL in WAL mode: a commit survives a
            // process kill but the last commits may be lost on power loss or an OS crash. What must survive those
            // (acknowledged usage) commits on a connection from OpenDurableConnection instead.
            command.CommandText = connectionPragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a connection whose commits are on disk before they return (<c>synchronous = FULL</c>: the WAL is
    /// fsynced at each commit), so they survive power loss and OS crashes, not only a process kill. One fsync
    /// per commit: callers batch (the usage ledger's group commit pays it per batch, not per event). In WAL mode
    /// that fsync also covers every earlier commit in the log, whichever connection made it.
    /// </summary>
    public SqliteConnection OpenDurableConnection()
    {
        var connection = OpenConnection();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = FULL;";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Waits for this process's single write slot; dispose the result to release it.</summary>
    internal async ValueTask<WriteSlot> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteSlot(writeGate);
    }

    /// <summary>Runs <paramref name="work"/> in one immediate write transaction on a fresh connection.</summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        using var slot = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(connection, transaction);
        transaction.Commit();
        return result;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        // Closes the idle pooled connections so the file is released (tests delete their directories).
        using var connection = new SqliteConnection(ConnectionString);
        SqliteConnection.ClearPool(connection);
        writeGate.Dispose();
    }

    internal readonly struct WriteSlot(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
