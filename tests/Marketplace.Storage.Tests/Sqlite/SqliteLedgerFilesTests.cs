using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Tests.Sqlite;

/// <summary>The usage ledger spread over several files: where events live, and what that must not change.</summary>
public sealed class SqliteLedgerFilesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2025, 4, 1, 12, 0, 0, TimeSpan.FromHours(9));
    private readonly SqliteTestFiles files = new();

    [Fact]
    public async Task Contracts_and_one_contracts_events_spread_over_every_file_each_event_where_its_hash_says()
    {
        SqliteDatabase? main = null;
        var ledger = files.Open(db => new SqliteUsageLedger(main = db), o => o.LedgerFiles = 4);
        var records = Enumerable.Range(0, 400).Select(i => Usage($"c-{i % 5}", "2025-04", $"e-{i}", 1)).ToList();

        await ledger.AppendAsync(records);

        Assert.Equal(4, ledger.Files.Count);
        for (var file = 0; file < 4; file++)
        {
            var stored = EventsIn(ledger.Files[file]);
            Assert.NotEmpty(stored);
            Assert.All(stored, e => Assert.Equal(file, SqliteUsageLedger.FileOf(e.ContractId, e.EventId, 4)));
        }
        Assert.Equal(400, Enumerable.Range(0, 4).Sum(f => EventsIn(ledger.Files[f]).Count));
        Assert.Equal(new UsageTotals("c-3", "2025-04", 80, 80), await ledger.GetTotalsAsync("c-3", "2025-04"));
        Assert.Empty(EventsIn(main!));
    }

    [Fact]
    public void The_file_an_event_lives_in_never_changes()
    {
        // FNV-1a (32-bit) of the UTF-16 code units and MurmurHash3's finalizer, as computed independently: pinned, since a store's existing events are found where this put them.
        Assert.Equal([3, 1, 0, 1, 1, 2], new[] { "e-0", "e-1", "e-2", "e-3", "e-4", "e-5" }.Select(e => SqliteUsageLedger.FileOf("c-1", e, 4)));
    }

    [Fact]
    public async Task A_reappend_of_the_same_ids_across_files_counts_once_and_answers_the_stored_records()
    {
        var ledger = files.Open(db => new SqliteUsageLedger(db), o => o.LedgerFiles = 4);
        var records = Enumerable.Range(0, 100).Select(i => Usage("c-1", "2025-04", $"e-{i}", 2)).ToList();
        var first = await ledger.AppendAsync(records);

        var again = await ledger.AppendAsync([.. records.Select(r => r with { Units = 9 })]);

        Assert.All(first.Results, r => Assert.True(r.Inserted));
        Assert.All(again.Results, r => Assert.False(r.Inserted));
        Assert.Equal(records, again.Results.Select(r => r.Stored));
        Assert.Equal([new UsageTotals("c-1", "2025-04", 200, 100)], first.Totals);
        Assert.Equal([new UsageTotals("c-1", "2025-04", 200, 100)], again.Totals);
        Assert.Equal(new UsageTotals("c-1", "2025-04", 200, 100), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task An_append_whose_part_in_one_file_fails_keeps_the_other_parts_and_a_retry_counts_each_event_once()
    {
        var ledger = files.Open(db => new SqliteUsageLedger(db), o => { o.LedgerFiles = 4; o.BusyTimeout = TimeSpan.FromMilliseconds(50); });
        var records = Enumerable.Range(0, 40).Select(i => Usage("c-1", "2025-04", $"e-{i}", 1)).ToList();
        var blocked = SqliteUsageLedger.FileOf("c-1", "e-0", 4);

        using (var blocker = new SqliteConnection(ledger.Files[blocked].ConnectionString))
        {
            blocker.Open();
            using var transaction = blocker.BeginTransaction(deferred: false);
            await Assert.ThrowsAsync<SqliteException>(() => ledger.AppendAsync(records));
        }
        var inBlockedFile = records.Count(r => SqliteUsageLedger.FileOf(r.ContractId, r.EventId, 4) == blocked);
        Assert.Equal(40 - inBlockedFile, (await ledger.GetTotalsAsync("c-1", "2025-04")).Events);

        var retry = await ledger.AppendAsync(records);

        Assert.Equal(inBlockedFile, retry.Results.Count(r => r.Inserted));
        Assert.Equal([new UsageTotals("c-1", "2025-04", 40, 40)], retry.Totals);
        Assert.Equal(40, (await ledger.ReadAsync("c-1", "2025-04")).Count);
    }

    [Fact]
    public async Task A_period_streams_across_files_in_arrival_order_through_a_restart()
    {
        var ledger = files.Open(db => new SqliteUsageLedger(db), o => o.LedgerFiles = 4);
        var expected = new List<UsageRecord>();
        for (var append = 0; append < 30; append++)
        {
            var batch = Enumerable.Range(0, 7).Select(i => Usage($"c-{(append + i) % 3}", "2025-04", $"e-{append}-{i}", i)).ToList();
            expected.AddRange(batch);
            await ledger.AppendAsync([.. batch, Usage("c-1", "2025-05", $"may-{append}", 1)]);
            if (append == 15)
            {
                await files.CloseAsync(ledger);
                ledger = files.Open(db => new SqliteUsageLedger(db));
            }
        }

        var streamed = new List<UsageRecord>();
        await foreach (var record in ledger.StreamPeriodAsync("2025-04"))
        {
            streamed.Add(record);
        }

        Assert.Equal(expected, streamed);
        Assert.Equal(expected.Where(r => r.ContractId == "c-2"), await ledger.ReadAsync("c-2", "2025-04"));
    }

    [Fact]
    public async Task Hours_add_up_a_contracts_events_from_every_file()
    {
        var ledger = files.Open(db => new SqliteUsageLedger(db), o => o.LedgerFiles = 4);

        await ledger.AppendAsync([.. Enumerable.Range(0, 50).Select(i => Usage("c-1", "2025-04", $"e-{i}", 3))]);

        Assert.Equal([new UsageHour("c-1", Noon.ToUniversalTime(), 150, 50)], await ledger.ReadHoursAsync("2025-04"));
    }

    [Fact]
    public async Task The_file_count_is_fixed_when_the_store_is_created()
    {
        var ledger = files.Open(db => new SqliteUsageLedger(db), o => o.LedgerFiles = 2);
        await ledger.AppendAsync([.. Enumerable.Range(0, 20).Select(i => Usage("c-1", "2025-04", $"e-{i}", 1))]);
        await files.CloseAsync(ledger);

        var reopened = files.Open(db => new SqliteUsageLedger(db), o => o.LedgerFiles = 8);
        var again = await reopened.AppendAsync([.. Enumerable.Range(0, 20).Select(i => Usage("c-1", "2025-04", $"e-{i}", 1))]);

        Assert.Equal(2, reopened.Files.Count);
        Assert.All(again.Results, r => Assert.False(r.Inserted));
        Assert.Equal(20, (await reopened.GetTotalsAsync("c-1", "2025-04")).Events);
    }

    [Fact]
    public async Task A_store_an_older_build_made_keeps_its_ledger_in_the_main_file_and_finds_its_rows()
    {
        OlderBuildLedger(Usage("c-1", "2025-04", "old-1", 4), Usage("c-1", "2025-04", "old-2", 6));

        var ledger = files.Open(db => new SqliteUsageLedger(db), o => o.LedgerFiles = 4);
        var answer = await ledger.AppendAsync([Usage("c-1", "2025-04", "old-2", 6), Usage("c-1", "2025-04", "new-1", 1)]);

        Assert.Equal([false, true], answer.Results.Select(r => r.Inserted));
        Assert.Equal([new UsageTotals("c-1", "2025-04", 11, 3)], answer.Totals);
        Assert.Equal(["old-1", "old-2", "new-1"], (await ledger.ReadAsync("c-1", "2025-04")).Select(r => r.EventId));
        var main = Assert.Single(ledger.Files);
        Assert.Equal(3, EventsIn(main).Count);
        Assert.Empty(Directory.GetFiles(files.Directory, "*.usage-*"));
    }

    [Fact]
    public async Task A_ledger_an_older_build_wrote_gains_its_hours_when_it_next_opens()
    {
        OlderBuildLedger(
            Usage("c-1", "2025-04", "e-1", 5),
            Usage("c-1", "2025-04", "e-2", 7) with { OccurredAt = new DateTimeOffset(2025, 4, 1, 3, 59, 59, TimeSpan.Zero).AddTicks(9_999_999) },
            Usage("c-1", "2025-04", "e-3", 11) with { OccurredAt = new DateTimeOffset(2025, 3, 31, 20, 30, 0, TimeSpan.FromHours(-7)) });

        var ledger = files.Open(db => new SqliteUsageLedger(db));

        var threeUtc = new DateTimeOffset(2025, 4, 1, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal([new UsageHour("c-1", threeUtc, 23, 3)], await ledger.ReadHoursAsync("2025-04"));
        Assert.Equal(new UsageTotals("c-1", "2025-04", 23, 3), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();

    private static UsageRecord Usage(string contractId, string period, string eventId, long units) =>
        new(eventId, contractId, period, units, Noon, Noon.AddSeconds(1), "gateway", null);

    private static List<(string ContractId, string EventId)> EventsIn(SqliteDatabase database)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT contract_id, event_id FROM usage_ledger ORDER BY seq";
        using var reader = command.ExecuteReader();
        var events = new List<(string, string)>();
        while (reader.Read())
        {
            events.Add((reader.GetString(0), reader.GetString(1)));
        }
        return events;
    }

    /// <summary>
    /// The main file as a build before ledger files left it: the ledger's table, its running totals and no hourly
    /// table (that came later still), and no record of a file count.
    /// </summary>
    private void OlderBuildLedger(params UsageRecord[] records)
    {
        Directory.CreateDirectory(files.Directory);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(files.Directory, "marketplace.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"{SqliteSchema.UsageTables} DROP TABLE usage_hours;";
        command.ExecuteNonQuery();
        foreach (var r in records)
        {
            command.CommandText = """
                INSERT INTO usage_ledger (event_id, contract_id, period, units, occurred_at, recorded_at, source, fingerprint)
                VALUES ($event, $contract, $period, $units, $occurred, $recorded, $source, NULL);
                INSERT INTO usage_totals (contract_id, period, units, events) VALUES ($contract, $period, $units, 1)
                ON CONFLICT (contract_id, period) DO UPDATE SET units = units + excluded.units, events = events + 1;
                """;
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$event", r.EventId);
            command.Parameters.AddWithValue("$contract", r.ContractId);
            command.Parameters.AddWithValue("$period", r.Period);
            command.Parameters.AddWithValue("$units", r.Units);
            command.Parameters.AddWithValue("$occurred", r.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$recorded", r.RecordedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$source", r.Source);
            command.ExecuteNonQuery();
        }
    }
}
