using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteUsageLedgerTests : UsageLedgerConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<IUsageLedger> OpenLedgerAsync() =>
        Task.FromResult<IUsageLedger>(files.Open(database => new SqliteUsageLedger(database)));

    protected override async Task<IUsageLedger> ReopenLedgerAsync(IUsageLedger current)
    {
        await files.CloseAsync(current);
        return await OpenLedgerAsync();
    }

    [Fact]
    public async Task The_ledger_commits_on_a_connection_that_flushes_each_commit_to_disk()
    {
        var ledger = files.Open(database => new SqliteUsageLedger(database));

        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 1)]);

        Assert.Equal(SqliteDatabase.SynchronousFull, ledger.WriterSynchronous);
    }

    [Fact]
    public void The_rest_of_the_store_keeps_synchronous_normal()
    {
        SqliteDatabase? database = null;
        files.Open(db => new SqliteUsageLedger(database = db));

        using var connection = database!.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";

        Assert.Equal(SqliteDatabase.SynchronousNormal, (long)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task A_batch_that_cannot_commit_faults_its_callers_leaves_nothing_and_a_retry_counts_once()
    {
        var ledger = files.Open(db => new SqliteUsageLedger(db), options => options.BusyTimeout = TimeSpan.FromMilliseconds(50));
        UsageRecord[] records = [Usage("c-1", "2025-04", "e-1", 2), Usage("c-1", "2025-04", "e-2", 3)];
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-0", 1)]);

        // Another process holds the write lock of every ledger file past the busy timeout.
        using (HoldWriteLocks(ledger.Files))
        {
            await Assert.ThrowsAsync<SqliteException>(() => ledger.AppendAsync(records));
            Assert.Equal(1, (await ledger.GetTotalsAsync("c-1", "2025-04")).Events);
        }

        await ledger.AppendAsync(records);
        await ledger.AppendAsync(records);

        Assert.Equal(new UsageTotals("c-1", "2025-04", 6, 3), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task Two_processes_racing_on_one_event_id_store_one_row_and_only_one_hears_inserted()
    {
        var first = files.Open(db => new SqliteUsageLedger(db));
        var second = files.Open(db => new SqliteUsageLedger(db));

        for (var round = 0; round < 20; round++)
        {
            var record = Usage("c-1", "2025-04", $"e-{round}", 3);
            var answers = await Task.WhenAll(Task.Run(() => first.AppendAsync([record])), Task.Run(() => second.AppendAsync([record])));

            Assert.Single(answers, a => a.Results[0].Inserted);
            Assert.All(answers, a => Assert.Equal(record, a.Results[0].Stored));
        }

        Assert.Equal(new UsageTotals("c-1", "2025-04", 60, 20), await first.GetTotalsAsync("c-1", "2025-04"));
        Assert.Equal(20, (await second.ReadAsync("c-1", "2025-04")).Count);
    }

    [Fact]
    public async Task A_ledger_that_never_saw_an_id_still_refuses_it_when_another_process_stored_it()
    {
        var first = files.Open(db => new SqliteUsageLedger(db));
        var second = files.Open(db => new SqliteUsageLedger(db));
        await first.AppendAsync([Usage("c-1", "2025-04", "e-1", 4) with { Fingerprint = "first" }]);

        var answer = await second.AppendAsync([Usage("c-1", "2025-04", "e-1", 9) with { Fingerprint = "second" }]);

        Assert.False(answer.Results[0].Inserted);
        Assert.Equal((4, "first"), (answer.Results[0].Stored.Units, answer.Results[0].Stored.Fingerprint));
        Assert.Equal(new UsageTotals("c-1", "2025-04", 4, 1), Assert.Single(answer.Totals));
    }

    [Fact]
    public async Task Disposing_commits_every_queued_append_first()
    {
        var ledger = files.Open(db => new SqliteUsageLedger(db));
        var appends = Enumerable.Range(0, 200).Select(i => ledger.AppendAsync([Usage("c-1", "2025-04", $"e-{i}", 1)])).ToArray();

        await ledger.DisposeAsync();

        Assert.All(appends, append => Assert.True(append.IsCompletedSuccessfully));
        var reopened = await OpenLedgerAsync();
        Assert.Equal(200, (await reopened.GetTotalsAsync("c-1", "2025-04")).Events);
    }

    [Fact]
    public async Task Appending_after_disposal_is_refused()
    {
        var ledger = files.Open(db => new SqliteUsageLedger(db));
        await ledger.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 1)]));
    }

    /// <summary>Holds the write lock of each database, as another process in a long transaction would.</summary>
    private static CompositeDisposable HoldWriteLocks(IEnumerable<SqliteDatabase> databases)
    {
        var held = new CompositeDisposable();
        foreach (var database in databases)
        {
            var blocker = new SqliteConnection(database.ConnectionString);
            held.Add(blocker);
            blocker.Open();
            held.Add(blocker.BeginTransaction(deferred: false));
        }
        return held;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}

/// <summary>Disposes what it holds, last first.</summary>
internal sealed class CompositeDisposable : IDisposable
{
    private readonly List<IDisposable> items = [];

    public void Add(IDisposable item) => items.Add(item);

    public void Dispose()
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            items[i].Dispose();
        }
    }
}
