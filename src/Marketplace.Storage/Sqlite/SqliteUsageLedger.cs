using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The usage ledger with group commit: callers enqueue, one background writer drains everything pending
/// into one transaction and completes every caller only after the commit (durable before acknowledged).
/// Rows append in arrival order (the rowid), so inserts never land on random B-tree pages.
/// </summary>
/// <remarks>
/// Duplicate backstop: the usage meter grain dedups first. Here, rather than a UNIQUE index on
/// (contract_id, period, event_id) — a random-key B-tree insert per event, ≈10× slower on this machine —
/// the writer checks each event id against <see cref="SeenUsageEvents"/>, the (contract, period)'s ids loaded
/// lazily from the file. Only this writer inserts, so the check is exact as long as one process owns the
/// database file (the embedded store's deployment model); duplicates inside one batch are dropped too.
/// </remarks>
public sealed class SqliteUsageLedger : IUsageLedger, IAsyncDisposable, IDisposable
{
    private const string Columns = "event_id, contract_id, period, units, occurred_at, recorded_at, source, fingerprint";

    private readonly SqliteDatabase database;
    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SeenUsageEvents seen;
    private readonly int maxBatchRecords;
    private readonly Task writer;

    public SqliteUsageLedger(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        seen = new SeenUsageEvents(database.Options.LedgerSeenEventCapacity);
        maxBatchRecords = Math.Max(1, database.Options.LedgerMaxBatchRecords);
        writer = Task.Run(WriteLoopAsync);
    }

    /// <remarks>
    /// Cancelling stops the wait, not the write: records already queued may still commit, which is safe
    /// because a retry of the same event ids is ignored.
    /// </remarks>
    public Task AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.EventId, nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.ContractId, nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.Period, nameof(records));
            ArgumentNullException.ThrowIfNull(record.Source, nameof(records));
        }

        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        // A copy, so a caller reusing its list cannot change what gets written.
        var pending = new PendingAppend([.. records]);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteUsageLedger));
        }

        return cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task;
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM usage_ledger WHERE contract_id = $contract AND period = $period ORDER BY seq";
        command.Parameters.AddWithValue("$contract", contractId);
        command.Parameters.AddWithValue("$period", period);
        var records = new List<UsageRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    public async Task<UsageTotals> GetTotalsAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT units, events FROM usage_totals WHERE contract_id = $contract AND period = $period";
        command.Parameters.AddWithValue("$contract", contractId);
        command.Parameters.AddWithValue("$period", period);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new UsageTotals(contractId, period, reader.GetInt64(0), reader.GetInt64(1))
            : new UsageTotals(contractId, period, 0, 0);
    }

    /// <remarks>Streams from one read snapshot; a long stream holds back WAL checkpointing until it ends.</remarks>
    public async IAsyncEnumerable<UsageRecord> StreamPeriodAsync(string period, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM usage_ledger WHERE period = $period ORDER BY seq";
        command.Parameters.AddWithValue("$period", period);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadRecord(reader);
        }
    }

    /// <summary>Stops accepting appends, lets the writer commit everything already queued, then stops it.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    // For containers disposed synchronously: blocks until the queue is drained.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WriteLoopAsync()
    {
        SqliteConnection? connection = null;
        var batch = new List<PendingAppend>();
        try
        {
            while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                try
                {
                    using var slot = await database.EnterWriteAsync(CancellationToken.None).ConfigureAwait(false);
                    // Drained only once the write slot is ours: callers that arrived meanwhile join this commit.
                    Drain(batch);
                    connection ??= database.OpenConnection();
                    Commit(connection, batch);
                }
#pragma warning disable CA1031 // Every failure is handed to the callers whose records were in the batch.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    if (batch.Count == 0)
                    {
                        Drain(batch);
                    }

                    connection?.Dispose();
                    connection = null;
                    foreach (var pending in batch)
                    {
                        pending.Completion.TrySetException(exception);
                    }

                    continue;
                }

                foreach (var pending in batch)
                {
                    pending.Completion.TrySetResult();
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void Drain(List<PendingAppend> batch)
    {
        var records = 0;
        while (records < maxBatchRecords && queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
            records += pending.Records.Length;
        }
    }

    private void Commit(SqliteConnection connection, List<PendingAppend> batch)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"""
            INSERT INTO usage_ledger ({Columns})
            VALUES ($event, $contract, $period, $units, $occurred, $recorded, $source, $fingerprint)
            """;
        var eventId = insert.Parameters.Add("$event", SqliteType.Text);
        var contractId = insert.Parameters.Add("$contract", SqliteType.Text);
        var period = insert.Parameters.Add("$period", SqliteType.Text);
        var units = insert.Parameters.Add("$units", SqliteType.Integer);
        var occurred = insert.Parameters.Add("$occurred", SqliteType.Text);
        var recorded = insert.Parameters.Add("$recorded", SqliteType.Text);
        var source = insert.Parameters.Add("$source", SqliteType.Text);
        var fingerprint = insert.Parameters.Add("$fingerprint", SqliteType.Text);
        insert.Prepare();

        // What this batch adds per (contract, period); merged into `seen` only after the commit succeeds,
        // so a failed transaction leaves the backstop exactly in step with the file.
        var added = new Dictionary<(string ContractId, string Period), PairAddition>();
        foreach (var pending in batch)
        {
            foreach (var record in pending.Records)
            {
                var key = (record.ContractId, record.Period);
                if (!added.TryGetValue(key, out var addition))
                {
                    addition = new PairAddition(seen.Get(record.ContractId, record.Period, (c, p) => LoadEventIds(transaction, c, p)));
                    added[key] = addition;
                }

                if (addition.Existing.Contains(record.EventId) || !addition.EventIds.Add(record.EventId))
                {
                    continue;
                }

                addition.Units += record.Units;
                eventId.Value = record.EventId;
                contractId.Value = record.ContractId;
                period.Value = record.Period;
                units.Value = record.Units;
                occurred.Value = record.OccurredAt.ToString("O", CultureInfo.InvariantCulture);
                recorded.Value = record.RecordedAt.ToString("O", CultureInfo.InvariantCulture);
                source.Value = record.Source;
                fingerprint.Value = (object?)record.Fingerprint ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
        }

        using var totals = connection.CreateCommand();
        totals.Transaction = transaction;
        totals.CommandText = """
            INSERT INTO usage_totals (contract_id, period, units, events) VALUES ($contract, $period, $units, $events)
            ON CONFLICT (contract_id, period) DO UPDATE SET units = units + excluded.units, events = events + excluded.events
            """;
        var totalContract = totals.Parameters.Add("$contract", SqliteType.Text);
        var totalPeriod = totals.Parameters.Add("$period", SqliteType.Text);
        var totalUnits = totals.Parameters.Add("$units", SqliteType.Integer);
        var totalEvents = totals.Parameters.Add("$events", SqliteType.Integer);
        foreach (var ((contract, periodKey), addition) in added)
        {
            if (addition.EventIds.Count == 0)
            {
                continue;
            }

            totalContract.Value = contract;
            totalPeriod.Value = periodKey;
            totalUnits.Value = addition.Units;
            totalEvents.Value = addition.EventIds.Count;
            totals.ExecuteNonQuery();
        }

        transaction.Commit();

        foreach (var ((contract, periodKey), addition) in added)
        {
            seen.AddCommitted(contract, periodKey, addition.EventIds);
        }

        seen.Trim();
    }

    private static HashSet<string> LoadEventIds(SqliteTransaction transaction, string contractId, string period)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT event_id FROM usage_ledger WHERE contract_id = $contract AND period = $period";
        command.Parameters.AddWithValue("$contract", contractId);
        command.Parameters.AddWithValue("$period", period);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static UsageRecord ReadRecord(SqliteDataReader reader) => new(
        EventId: reader.GetString(0),
        ContractId: reader.GetString(1),
        Period: reader.GetString(2),
        Units: reader.GetInt64(3),
        OccurredAt: DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        RecordedAt: DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        Source: reader.GetString(6),
        Fingerprint: reader.IsDBNull(7) ? null : reader.GetString(7));

    private sealed record PendingAppend(UsageRecord[] Records)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class PairAddition(HashSet<string> existing)
    {
        public HashSet<string> Existing { get; } = existing;

        public HashSet<string> EventIds { get; } = new(StringComparer.Ordinal);

        public long Units { get; set; }
    }
}
