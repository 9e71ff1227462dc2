using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// One file of the usage ledger and its group-committing writer, the only code that inserts into its usage_ledger,
/// usage_totals and usage_hours: callers enqueue, the writer drains everything pending into one transaction on the
/// file's writer thread and completes every caller only after the commit (durable before acknowledged).
/// </summary>
/// <remarks>
/// Every row is stored under an arrival stamp (<see cref="LedgerArrivals"/>) as its seq, so each file appends in order
/// and the ledger merges its files into one arrival order. After its commit the writer reads the totals the other
/// files hold for the batch's (contract, period) pairs, once per batch, so every caller hears the ledger's totals,
/// not one file's share of them.
/// </remarks>
internal sealed class SqliteLedgerFile : IAsyncDisposable
{
    public const string Columns = "event_id, contract_id, period, units, occurred_at, recorded_at, source, fingerprint";

    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int maxBatchRecords;
    private readonly bool ownsDatabase;
    private readonly IReadOnlyList<SqliteLedgerFile> ledger;
    private readonly Task writer;

    // Prepared once per writer connection (it outlives every commit), disposed with it.
    private LedgerInsert? ledgerInsert;
    private SqliteConnection? ledgerInsertConnection;
    // The writer's readers of the other files' totals, opened on first need and kept with the writer connection.
    private TotalsReader?[] otherTotals = [];

    /// <param name="ledger">Every file of the ledger, this one included, by index (filled before the first append).</param>
    public SqliteLedgerFile(SqliteDatabase database, int index, bool ownsDatabase, IReadOnlyList<SqliteLedgerFile> ledger)
    {
        Database = database;
        Index = index;
        this.ownsDatabase = ownsDatabase;
        this.ledger = ledger;
        maxBatchRecords = Math.Max(1, database.Options.LedgerMaxBatchRecords);
        writer = Task.Run(WriteLoopAsync);
    }

    public SqliteDatabase Database { get; }

    public int Index { get; }

    /// <summary>The <c>synchronous</c> setting SQLite reports on the writer's connection (null before it first opens one).</summary>
    public long? WriterSynchronous { get; private set; }

    /// <summary>
    /// Queues records, each with its arrival stamp (<see cref="LedgerArrivals"/>: increasing from one call to the next),
    /// for the next commit; the task completes once they are durable.
    /// </summary>
    public Task<PendingAppend> Enqueue(UsageRecord[] records, long[] stamps)
    {
        var pending = new PendingAppend(records, stamps, ledger.Count);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteUsageLedger));
        }

        return pending.Completion.Task;
    }

    /// <summary>Refuses appends from now on; what is queued still commits.</summary>
    public void StopAccepting() => queue.Writer.TryComplete();

    /// <summary>Stops accepting appends, lets the writer commit everything already queued, then closes the file if it owns it.</summary>
    public async ValueTask DisposeAsync()
    {
        StopAccepting();
        await writer.ConfigureAwait(false);
        if (ownsDatabase)
        {
            Database.Dispose();
        }
    }

    /// <summary>The seq of the file's last row (0 when it has none), whoever wrote it.</summary>
    public long LastStored()
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = CommitStatements.LastSeqSql;
        return CommitStatements.LastSeqIn(command);
    }

    public static UsageRecord ReadRecord(SqliteDataReader reader) => new(
        EventId: reader.GetString(0),
        ContractId: reader.GetString(1),
        Period: reader.GetString(2),
        Units: reader.GetInt64(3),
        OccurredAt: DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        RecordedAt: DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        Source: reader.GetString(6),
        Fingerprint: reader.IsDBNull(7) ? null : reader.GetString(7));

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
                    // On the file's writer thread, in turn with its other writes; drained only once this turn
                    // has come, so callers that arrived meanwhile join this commit. Callers hear back from that
                    // thread as soon as the commit returns, not after this loop is scheduled again.
                    await Database.RunOnWriterAsync(() =>
                    {
                        Drain(batch);
                        connection ??= OpenWriterConnection();
                        AddOtherFilesTotals(batch, Commit(connection, batch));
                        foreach (var pending in batch)
                        {
                            pending.Completion.TrySetResult(pending);
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

                    CloseWriterConnection(connection);
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
            CloseWriterConnection(connection);
        }
    }

    private void CloseWriterConnection(SqliteConnection? connection)
    {
        ledgerInsert?.Dispose();
        ledgerInsert = null;
        foreach (var reader in otherTotals)
        {
            reader?.Dispose();
        }
        otherTotals = [];
        connection?.Dispose();
    }

    // Acknowledged usage must survive power loss, so each batch's commit is flushed to disk before any caller
    // hears back: one fsync per batch (≈0.3 ms here), shared by everyone who joined it.
    private SqliteConnection OpenWriterConnection()
    {
        var connection = Database.OpenDurableConnection();
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

    /// <summary>Commits the batch; answers this file's totals of every (contract, period) in it.</summary>
    private Dictionary<(string ContractId, string Period), UsageTotals> Commit(SqliteConnection connection, List<PendingAppend> batch)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var statements = new CommitStatements(connection, transaction, InsertOn(connection));
        // Each row under its arrival stamp, or past the file's last row (read under the write lock) if another process
        // stored a later stamp first: a file's seq only grows, so only the (contract, event id) index refuses a row.
        var seq = statements.LastSeq();
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
                seq = Math.Max(seq + 1, pending.Stamps[i]);
                if (statements.Insert(record, seq))
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
            foreach (var record in pending.Records)
            {
                pending.TotalsIn((record.ContractId, record.Period))[Index] = totals[(record.ContractId, record.Period)];
            }
        }
        return totals;
    }

    /// <summary>
    /// Reads what every other file holds for the batch's (contract, period) pairs, after the commit: with this file's
    /// own totals, the ledger's totals including this batch (and whatever else the other files committed by then).
    /// </summary>
    private void AddOtherFilesTotals(List<PendingAppend> batch, Dictionary<(string ContractId, string Period), UsageTotals> totals)
    {
        if (ledger.Count == 1)
        {
            return;
        }
        if (otherTotals.Length != ledger.Count)
        {
            otherTotals = new TotalsReader?[ledger.Count];
        }
        foreach (var key in totals.Keys)
        {
            for (var file = 0; file < ledger.Count; file++)
            {
                if (file == Index)
                {
                    continue;
                }
                var held = (otherTotals[file] ??= new TotalsReader(ledger[file].Database)).Read(key.ContractId, key.Period);
                foreach (var pending in batch)
                {
                    if (pending.Totals.TryGetValue(key, out var perFile))
                    {
                        perFile[file] = held;
                    }
                }
            }
        }
    }

    /// <summary>The UTC hour an event occurred in, as usage_hours keys it (SqliteSchema.HourOf computes the same in SQL).</summary>
    internal static string HourOf(DateTimeOffset occurredAt) =>
        occurredAt.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':00:00Z'", CultureInfo.InvariantCulture);

    /// <summary>One caller's records for this file, and what the commit answers them.</summary>
    internal sealed class PendingAppend(UsageRecord[] records, long[] stamps, int files)
    {
        public UsageRecord[] Records { get; } = records;

        public long[] Stamps { get; } = stamps;

        public TaskCompletionSource<PendingAppend> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public UsageAppendResult[] Results { get; } = new UsageAppendResult[records.Length];

        /// <summary>
        /// Per (contract, period) of the records: what each file of the ledger held once this part committed (this
        /// file's own totals from the commit, the others' read just after it). Complete once the caller hears back.
        /// </summary>
        public Dictionary<(string ContractId, string Period), UsageTotals?[]> Totals { get; } = [];

        public UsageTotals?[] TotalsIn((string ContractId, string Period) key)
        {
            if (!Totals.TryGetValue(key, out var perFile))
            {
                Totals[key] = perFile = new UsageTotals?[files];
            }
            return perFile;
        }
    }

    /// <summary>A prepared read of one file's totals, on a connection the writer keeps.</summary>
    private sealed class TotalsReader : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly SqliteCommand command;

        public TotalsReader(SqliteDatabase database)
        {
            connection = database.OpenConnection();
            try
            {
                command = connection.CreateCommand();
                command.CommandText = CommitStatements.TotalsSql;
                command.Parameters.Add("$contract", SqliteType.Text);
                command.Parameters.Add("$period", SqliteType.Text);
                command.Prepare();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public UsageTotals Read(string contractId, string period)
        {
            command.Parameters[0].Value = contractId;
            command.Parameters[1].Value = period;
            using var reader = command.ExecuteReader();
            return CommitStatements.TotalsOf(reader, contractId, period);
        }

        public void Dispose()
        {
            command.Dispose();
            connection.Dispose();
        }
    }

    /// <summary>The prepared statements of one commit.</summary>
    private sealed class CommitStatements : IDisposable
    {
        private readonly LedgerInsert insert;
        private readonly SqliteCommand find;
        private readonly SqliteCommand addToTotals;
        private readonly SqliteCommand readTotals;
        private readonly SqliteCommand addToHour;
        private readonly SqliteCommand lastSeq;

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
            readTotals = Prepare(connection, transaction, TotalsSql, ("$contract", SqliteType.Text), ("$period", SqliteType.Text));
            lastSeq = Prepare(connection, transaction, LastSeqSql);
            addToHour = Prepare(connection, transaction, """
                INSERT INTO usage_hours (period, contract_id, hour, units, events) VALUES ($period, $contract, $hour, $units, $events)
                ON CONFLICT (period, contract_id, hour) DO UPDATE SET units = units + excluded.units, events = events + excluded.events
                """, ("$period", SqliteType.Text), ("$contract", SqliteType.Text), ("$hour", SqliteType.Text), ("$units", SqliteType.Integer), ("$events", SqliteType.Integer));
        }

        public const string LastSeqSql = "SELECT MAX(seq) FROM usage_ledger";

        public const string TotalsSql = "SELECT units, events FROM usage_totals WHERE contract_id = $contract AND period = $period";

        /// <summary>True when the record was stored (as <paramref name="seq"/>); false when its id was already there.</summary>
        public bool Insert(UsageRecord record, long seq) => insert.Execute(record, seq);

        public long LastSeq() => LastSeqIn(lastSeq);

        /// <summary>The seq of the file's last row, 0 when it has none.</summary>
        public static long LastSeqIn(SqliteCommand command) => command.ExecuteScalar() is long seq ? seq : 0;

        public static UsageTotals TotalsOf(SqliteDataReader reader, string contractId, string period) =>
            reader.Read()
                ? new UsageTotals(contractId, period, reader.GetInt64(0), reader.GetInt64(1))
                : new UsageTotals(contractId, period, 0, 0);

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
            return TotalsOf(reader, contractId, period);
        }

        public void Dispose()
        {
            find.Dispose();
            addToTotals.Dispose();
            readTotals.Dispose();
            addToHour.Dispose();
            lastSeq.Dispose();
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
