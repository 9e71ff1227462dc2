using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The embedded store's single database file: WAL journal, schema created at construction, pooled
/// connections handed out per operation, and one writer thread that runs every write in this process in turn
/// (SQLite admits one writer at a time).
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite's async methods complete synchronously: a statement that waits for another process's
/// write lock sleeps on its thread for up to <see cref="SqliteStoreOptions.BusyTimeout"/>. Writes therefore run
/// on a thread of their own, never on a caller's: an Orleans activation (whose turn would hold the grain) or a
/// thread-pool thread (which every grain and request shares). Reads do not wait for writers in WAL mode but
/// still take the disk and CPU; they leave a grain's scheduler through <see cref="LeaveGrainScheduler"/>.
/// </remarks>
public sealed class SqliteDatabase : IDisposable
{
    private readonly BlockingCollection<WriterWork> writes = [];
    private readonly Thread writer;
    private readonly string connectionPragmas;
    private int stopping;
    private volatile bool disposed;

    public SqliteDatabase(SqliteStoreOptions options)
        : this(options, options?.FileName!, ledgerFile: false)
    {
    }

    private SqliteDatabase(SqliteStoreOptions options, string fileName, bool ledgerFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LedgerFiles, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LedgerFiles, SqliteStoreOptions.MaxLedgerFiles, nameof(options));
        Options = options;
        Directory.CreateDirectory(options.DataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(options.DataDirectory, fileName));
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
        if (ledgerFile)
        {
            SqliteSchema.CreateUsageTables(connection, transaction);
        }
        else
        {
            var hadLedger = SqliteSchema.HasTable(connection, transaction, "usage_ledger");
            SqliteSchema.CreateUsageTables(connection, transaction);
            command.CommandText = SqliteSchema.Create;
            command.ExecuteNonQuery();
            SqliteSchema.AddMissingColumns(connection, transaction);
            command.CommandText = SqliteSchema.CreateOnAddedColumns;
            command.ExecuteNonQuery();
            SqliteSchema.FillCatalogFacetCounts(connection, transaction);
            UsageLedgerFiles = SqliteSchema.UsageLedgerFiles(connection, transaction, hadLedger, options.LedgerFiles);
        }
        transaction.Commit();

        // Started last, so a constructor that throws leaves no thread behind. A background thread, so a database
        // nobody disposed cannot keep the process alive.
        writer = new Thread(RunWriter) { IsBackground = true, Name = $"SQLite writer ({fileName})" };
        writer.Start();
    }

    /// <summary>The value <c>PRAGMA synchronous</c> reports for NORMAL.</summary>
    public const long SynchronousNormal = 1;

    /// <summary>The value <c>PRAGMA synchronous</c> reports for FULL.</summary>
    public const long SynchronousFull = 2;

    public SqliteStoreOptions Options { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// How many ledger files the usage ledger of this store spreads over, fixed when the store was created; 0 when it
    /// lives in this database itself (a store made before ledger files). See <see cref="SqliteSchema.UsageLedgerFiles"/>.
    /// </summary>
    public int UsageLedgerFiles { get; }

    /// <summary>
    /// Opens ledger file <paramref name="index"/> of this store (created if missing): a database of its own next to
    /// this one, holding only the usage ledger's tables, with its own writer thread.
    /// </summary>
    internal SqliteDatabase OpenLedgerFile(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, UsageLedgerFiles);
        return new SqliteDatabase(Options, $"{Path.GetFileNameWithoutExtension(Options.FileName)}.usage-{index}.db", ledgerFile: true);
    }

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

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate write transaction on a fresh connection, on the writer
    /// thread, after the writes queued before it; committed once the work returns, rolled back if it throws.
    /// The caller's thread never waits on SQLite: the task completes from the writer thread.
    /// </summary>
    /// <remarks>Cancelling withdraws a write still queued; once it has started it runs to its end.</remarks>
    internal Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunOnWriterAsync(() =>
        {
            using var connection = OpenConnection();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer thread, in turn with every write of this process, for a writer
    /// that manages its own connection and transactions (the usage ledger's group commit).
    /// </summary>
    internal Task<T> RunOnWriterAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var item = new WriterWork<T>(work, cancellationToken);
        try
        {
            writes.Add(item, CancellationToken.None);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            // Added after Dispose began: the writer has stopped taking work.
            item.Withdraw();
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteDatabase)));
        }

        return item.Task;
    }

    /// <inheritdoc cref="RunOnWriterAsync{T}(Func{T}, CancellationToken)"/>
    internal Task RunOnWriterAsync(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunOnWriterAsync(() =>
        {
            work();
            return true;
        });
    }

    /// <summary>
    /// Awaited by every read before it touches SQLite. Called from a grain (any scheduler other than the thread
    /// pool's: an Orleans activation's, which every call to that grain shares) the read continues on the thread
    /// pool; called from the thread pool (a request) it continues inline, at the cost of one check.
    /// </summary>
    internal static GrainSchedulerExit LeaveGrainScheduler() => default;

    /// <summary>Stops taking writes, runs every write already queued, then stops the writer thread and closes the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref stopping, 1) == 1)
        {
            return;
        }

        writes.CompleteAdding();
        if (Thread.CurrentThread != writer)
        {
            writer.Join();
        }

        disposed = true;
        // Closes the idle pooled connections so the file is released (tests delete their directories).
        using var connection = new SqliteConnection(ConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    private void RunWriter()
    {
        foreach (var work in writes.GetConsumingEnumerable())
        {
            work.Run();
        }
    }

    /// <summary>See <see cref="LeaveGrainScheduler"/>.</summary>
    internal readonly struct GrainSchedulerExit : ICriticalNotifyCompletion
    {
        public bool IsCompleted => TaskScheduler.Current == TaskScheduler.Default;

        public GrainSchedulerExit GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) =>
            ThreadPool.QueueUserWorkItem(static run => run(), continuation, preferLocal: false);

        public void UnsafeOnCompleted(Action continuation) =>
            ThreadPool.UnsafeQueueUserWorkItem(static run => run(), continuation, preferLocal: false);
    }

    private abstract class WriterWork
    {
        /// <summary>Runs the work unless it was cancelled while queued; never throws (the outcome goes to the task).</summary>
        public abstract void Run();
    }

    private sealed class WriterWork<T> : WriterWork
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Cancelled = 2;

        private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Func<T> work;
        private readonly CancellationToken cancellationToken;
        private readonly CancellationTokenRegistration registration;
        private int state;

        public WriterWork(Func<T> work, CancellationToken cancellationToken)
        {
            this.work = work;
            this.cancellationToken = cancellationToken;
            registration = cancellationToken.UnsafeRegister(static item => ((WriterWork<T>)item!).Cancel(), this);
        }

        public Task<T> Task => completion.Task;

        public void Withdraw()
        {
            Interlocked.Exchange(ref state, Cancelled);
            registration.Dispose();
        }

        public override void Run()
        {
            if (Interlocked.CompareExchange(ref state, Started, Queued) != Queued)
            {
                return;
            }

            registration.Dispose();
            try
            {
                completion.SetResult(work());
            }
#pragma warning disable CA1031 // The writer thread serves every write: one item's failure belongs to its caller alone.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                completion.SetException(exception);
            }
        }

        private void Cancel()
        {
            if (Interlocked.CompareExchange(ref state, Cancelled, Queued) == Queued)
            {
                completion.SetCanceled(cancellationToken);
            }
        }
    }
}
