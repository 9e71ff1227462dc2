using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

// The group-commit writer: the only code that inserts into usage_ledger and usage_totals.
public sealed partial class SqliteUsageLedger
{
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
                    // On the database's writer thread, in turn with its other writes; drained only once this turn
                    // has come, so callers that arrived meanwhile join this commit. Callers hear back from that
                    // thread as soon as the commit returns, not after this loop is scheduled again.
                    await database.RunOnWriterAsync(() =>
                    {
                        Drain(batch);
                        connection ??= OpenWriterConnection();
                        Commit(connection, batch);
                        foreach (var pending in batch)
                        {
                            pending.Completion.TrySetResult();
                        }
                    }).ConfigureAwait(false);
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

                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    // Acknowledged usage must survive power loss, so each batch's commit is flushed to disk before any caller
    // hears back: one fsync per batch (≈0.3 ms here), shared by everyone who joined it.
    private SqliteConnection OpenWriterConnection()
    {
        var connection = database.OpenDurableConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        WriterSynchronous = (long)command.ExecuteScalar()!;
        return connection;
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
