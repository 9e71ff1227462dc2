using System.Diagnostics;
using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Tests.Sqlite;

/// <summary>Where SQLite work runs: writes on the database's one writer thread, reads off a grain's scheduler.</summary>
public sealed class SqliteDatabaseTests : IAsyncDisposable
{
    // A bound on blocking, not a speed target: queueing a write takes microseconds; a caller that runs the write
    // itself waits out the busy timeout below.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private readonly SqliteTestFiles files = new();

    [Fact]
    public async Task A_write_returns_to_its_caller_while_another_connection_holds_the_write_lock()
    {
        var database = files.Open(d => d, o => o.BusyTimeout = TimeSpan.FromSeconds(5));
        Task<int> write;
        TimeSpan returnedAfter;
        using (var holder = new SqliteConnection($"Data Source={database.FilePath};Pooling=False"))
        {
            holder.Open();
            using var transaction = holder.BeginTransaction(deferred: false);

            var call = Stopwatch.StartNew();
            write = database.WriteAsync((connection, tx) => Insert(connection, tx, "queued"), CancellationToken.None);
            returnedAfter = call.Elapsed;

            Assert.False(write.IsCompleted, "the write finished while another connection held the write lock");
            transaction.Rollback();
        }

        Assert.True(returnedAfter < Bound, $"the caller waited {returnedAfter.TotalMilliseconds:F0} ms for a busy database");
        Assert.Equal(1, await write);
        Assert.Equal(["queued"], await NamesAsync(database));
    }

    [Fact]
    public async Task A_write_that_throws_fails_alone_and_the_writes_around_it_commit()
    {
        var database = files.Open(d => d);

        var before = database.WriteAsync((connection, tx) => Insert(connection, tx, "before"), CancellationToken.None);
        var failing = database.WriteAsync<int>((connection, tx) =>
        {
            Insert(connection, tx, "rolled-back");
            throw new InvalidOperationException("refused");
        }, CancellationToken.None);
        var after = database.WriteAsync((connection, tx) => Insert(connection, tx, "after"), CancellationToken.None);

        await before;
        Assert.Equal("refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        await after;
        Assert.Equal(["after", "before"], await NamesAsync(database));
    }

    [Fact]
    public async Task Disposing_the_database_commits_every_write_already_queued_and_refuses_later_ones()
    {
        var database = new SqliteDatabase(new SqliteStoreOptions { DataDirectory = files.Open(d => d).Options.DataDirectory });
        var queued = Enumerable.Range(0, 50).Select(i => database.WriteAsync((connection, tx) => Insert(connection, tx, $"w{i:D2}"), CancellationToken.None)).ToArray();

        database.Dispose();

        Assert.All(queued, w => Assert.True(w.IsCompletedSuccessfully));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.WriteAsync((connection, tx) => Insert(connection, tx, "late"), CancellationToken.None));
        Assert.Equal(50, (await NamesAsync(files.Open(d => d))).Count);
    }

    [Fact]
    public async Task A_write_cancelled_while_queued_never_runs()
    {
        var database = files.Open(d => d);
        using var cancellation = new CancellationTokenSource();
        using var holder = new SqliteConnection($"Data Source={database.FilePath};Pooling=False");
        holder.Open();
        var transaction = holder.BeginTransaction(deferred: false);
        var running = database.WriteAsync((connection, tx) => Insert(connection, tx, "running"), CancellationToken.None);
        var cancelled = database.WriteAsync((connection, tx) => Insert(connection, tx, "cancelled"), cancellation.Token);

        await cancellation.CancelAsync();
        transaction.Rollback();
        transaction.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await running;
        Assert.Equal(["running"], await NamesAsync(database));
    }

    [Fact]
    public async Task A_read_called_on_another_scheduler_continues_on_the_thread_pool()
    {
        var grainLike = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;

        var scheduler = await Task.Factory.StartNew(async () =>
        {
            await SqliteDatabase.LeaveGrainScheduler();
            return TaskScheduler.Current;
        }, CancellationToken.None, TaskCreationOptions.None, grainLike).Unwrap();

        Assert.Same(TaskScheduler.Default, scheduler);
    }

    [Fact]
    public void A_read_called_on_the_thread_pool_continues_inline()
    {
        Assert.Same(TaskScheduler.Default, TaskScheduler.Current);
        Assert.True(SqliteDatabase.LeaveGrainScheduler().GetAwaiter().IsCompleted);
    }

    public ValueTask DisposeAsync() => files.DisposeAsync();

    private static int Insert(SqliteConnection connection, SqliteTransaction transaction, string name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO party_directory (sort_key, party_id, role, name, created_at)
            VALUES ($name, $name, 'Buyer', $name, '2026-01-01T00:00:00.0000000+00:00')
            """;
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteNonQuery();
    }

    private static async Task<List<string>> NamesAsync(SqliteDatabase database)
    {
        var page = await new SqlitePartyDirectory(database).ListAsync(null, IndexLimits.MaxPageSize);
        return [.. page.Items.Select(p => p.Name).Order(StringComparer.Ordinal)];
    }
}
