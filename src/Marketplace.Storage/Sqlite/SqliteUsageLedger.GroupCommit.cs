using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

// The group-commit writer: the only code that inserts into usage_ledger and usage_totals.
public sealed partial class SqliteUsageLedger
{
    // Prepared once per writer connection (it outlives every commit), disposed with it.
    private LedgerInsert? ledgerInsert;
    private SqliteConnection? ledgerInsertConnection;

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
                            pending.Completion.TrySetResult(pending.Answer!);
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

                    ledgerInsert?.Dispose();
                    ledgerInsert = null;
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
            ledgerInsert?.Dispose();
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

    private LedgerInsert InsertOn(SqliteConnection connection)
    {
        if (ledgerInsert is null || !ReferenceEquals(ledgerInsertConnection, connection))
        {
            ledgerInsert?.Dispose();
            ledgerInsert = new LedgerInsert(connection);
            ledgerInsertConnection = connection;
        }
        return ledgerInsert;
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
        using var statements = new CommitStatements(connection, transaction, InsertOn(connection));
        // What this batch adds per (contract, period). The store decides what is new: the unique index on
        // (contract_id, event_id) ignores an id already stored, by this batch, an earlier one or another process.
        // (Generated ids are outside the index; the batch still answers a repeat of one within itself.)
        var added = new Dictionary<(string ContractId, string Period), (long Units, long Events)>();
        var hours = new Dictionary<(string ContractId, string Period, string Hour), (long Units, long Events)>();
        // Events of one report mostly share their hour: its text is formatted once per change, not per event.
        (DateTimeOffset At, string Hour)? lastHour = null;
        foreach (var pending in batch)
        {
            for (var i = 0; i < pending.Records.Length; i++)
            {
                var record = pending.Records[i];
                var key = (record.ContractId, record.Period);
                if (statements.Insert(record))
                {
                    var (units, events) = added.GetValueOrDefault(key);
                    added[key] = (units + record.Units, events + 1);
                    if (lastHour is not { } known || known.At != record.OccurredAt)
                    {
                        lastHour = known = (record.OccurredAt, HourOf(record.OccurredAt));
                    }
                    var hour = (record.ContractId, record.Period, known.Hour);
                    var (hourUnits, hourEvents) = hours.GetValueOrDefault(hour);
                    hours[hour] = (hourUnits + record.Units, hourEvents + 1);
                    pending.Results[i] = new UsageAppendResult(record, Inserted: true);
                }
                else
                {
                    pending.Results[i] = new UsageAppendResult(statements.Find(record.ContractId, record.EventId), Inserted: false);
                }
            }
        }

        foreach (var ((contract, period, hour), (units, events)) in hours)
        {
            statements.AddToHour(contract, period, hour, units, events);
        }

        var totals = new Dictionary<(string ContractId, string Period), UsageTotals>();
        foreach (var ((contract, period), (units, events)) in added)
        {
            totals[(contract, period)] = statements.AddToTotals(contract, period, units, events);
        }

        foreach (var pending in batch)
        {
            foreach (var record in pending.Records)
            {
                var key = (record.ContractId, record.Period);
                if (!totals.ContainsKey(key))
                {
                    totals[key] = statements.Totals(record.ContractId, record.Period);
                }
            }
        }

        transaction.Commit();

        foreach (var pending in batch)
        {
            pending.Answer = new UsageAppend(pending.Results,
                [.. pending.Records.Select(r => totals[(r.ContractId, r.Period)]).Distinct()]);
        }
    }

    /// <summary>The UTC hour an event occurred in, as usage_hours keys it (SqliteSchema.HourOf computes the same in SQL).</summary>
    internal static string HourOf(DateTimeOffset occurredAt) =>
        occurredAt.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':00:00Z'", CultureInfo.InvariantCulture);

    private sealed record PendingAppend(UsageRecord[] Records)
    {
        public TaskCompletionSource<UsageAppend> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public UsageAppendResult[] Results { get; } = new UsageAppendResult[Records.Length];

        /// <summary>Set once the batch committed; the caller hears it only then.</summary>
        public UsageAppend? Answer { get; set; }
    }

    /// <summary>The prepared statements of one commit.</summary>
    private sealed class CommitStatements : IDisposable
    {
        private readonly LedgerInsert insert;
        private readonly SqliteCommand find;
        private readonly SqliteCommand addToTotals;
        private readonly SqliteCommand readTotals;
        private readonly SqliteCommand addToHour;

        public CommitStatements(SqliteConnection connection, SqliteTransaction transaction, LedgerInsert insert)
        {
            this.insert = insert;
            find = Prepare(connection, transaction, $"""
                SELECT {Columns} FROM usage_ledger
                WHERE contract_id = $contract AND event_id = $event AND source <> '{UsageRecord.GeneratedSource}'
                """,
                ("$contract", SqliteType.Text), ("$event", SqliteType.Text));
            addToTotals = Prepare(connection, transaction, """
                INSERT INTO usage_totals (contract_id, period, units, events) VALUES ($contract, $period, $units, $events)
                ON CONFLICT (contract_id, period) DO UPDATE SET units = units + excluded.units, events = events + excluded.events
                RETURNING units, events
                """, ("$contract", SqliteType.Text), ("$period", SqliteType.Text), ("$units", SqliteType.Integer), ("$events", SqliteType.Integer));
            readTotals = Prepare(connection, transaction, "SELECT units, events FROM usage_totals WHERE contract_id = $contract AND period = $period",
                ("$contract", SqliteType.Text), ("$period", SqliteType.Text));
            addToHour = Prepare(connection, transaction, """
                INSERT INTO usage_hours (period, contract_id, hour, units, events) VALUES ($period, $contract, $hour, $units, $events)
                ON CONFLICT (period, contract_id, hour) DO UPDATE SET units = units + excluded.units, events = events + excluded.events
                """, ("$period", SqliteType.Text), ("$contract", SqliteType.Text), ("$hour", SqliteType.Text), ("$units", SqliteType.Integer), ("$events", SqliteType.Integer));
        }

        /// <summary>True when the record was stored; false when its id was already there.</summary>
        public bool Insert(UsageRecord record) => insert.Execute(record);

        public UsageRecord Find(string contractId, string eventId)
        {
            find.Parameters[0].Value = contractId;
            find.Parameters[1].Value = eventId;
            using var reader = find.ExecuteReader();
            return reader.Read()
                ? ReadRecord(reader)
                : throw new InvalidOperationException($"Usage event '{eventId}' of contract '{contractId}' was refused as stored but cannot be read.");
        }

        public UsageTotals AddToTotals(string contractId, string period, long units, long events)
        {
            var p = addToTotals.Parameters;
            p[0].Value = contractId;
            p[1].Value = period;
            p[2].Value = units;
            p[3].Value = events;
            using var reader = addToTotals.ExecuteReader();
            reader.Read();
            return new UsageTotals(contractId, period, reader.GetInt64(0), reader.GetInt64(1));
        }

        public void AddToHour(string contractId, string period, string hour, long units, long events)
        {
            var p = addToHour.Parameters;
            p[0].Value = period;
            p[1].Value = contractId;
            p[2].Value = hour;
            p[3].Value = units;
            p[4].Value = events;
            addToHour.ExecuteNonQuery();
        }

        public UsageTotals Totals(string contractId, string period)
        {
            readTotals.Parameters[0].Value = contractId;
            readTotals.Parameters[1].Value = period;
            using var reader = readTotals.ExecuteReader();
            return reader.Read()
                ? new UsageTotals(contractId, period, reader.GetInt64(0), reader.GetInt64(1))
                : new UsageTotals(contractId, period, 0, 0);
        }

        public void Dispose()
        {
            find.Dispose();
            addToTotals.Dispose();
            readTotals.Dispose();
            addToHour.Dispose();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var (name, type) in parameters)
            {
                command.Parameters.Add(name, type);
            }

            command.Prepare();
            return command;
        }
    }
}
