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
/// The store decides duplicates: a unique index on (contract_id, event_id) and <c>INSERT OR IGNORE</c>, so an id is
/// stored once per contract whatever period its record names and whoever sends it (a second meter activation,
/// another connection or process). Ids the marketplace generated for one request
/// (<see cref="UsageRecord.GeneratedSource"/>, the brokered hot path) are never sent twice and stay out of the
/// index. A random-key index costs a page per event per commit: providers' event ids that arrive in no order at
/// all (UUIDv4) ingest about three times slower than ordered ones; see the benchmark's "random ids" scenario.
/// </remarks>
public sealed partial class SqliteUsageLedger : IUsageLedger, IAsyncDisposable, IDisposable
{
    private const string Columns = "event_id, contract_id, period, units, occurred_at, recorded_at, source, fingerprint";

    private readonly SqliteDatabase database;
    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int maxBatchRecords;
    private readonly Task writer;

    /// <summary>The <c>synchronous</c> setting SQLite reports on the writer's connection (null before it first opens one).</summary>
    internal long? WriterSynchronous { get; private set; }

    public SqliteUsageLedger(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        maxBatchRecords = Math.Max(1, database.Options.LedgerMaxBatchRecords);
        writer = Task.Run(WriteLoopAsync);
    }

    /// <remarks>
    /// Cancelling stops the wait, not the write: records already queued may still commit, which is safe
    /// because a retry of the same event ids is ignored.
    /// </remarks>
    public Task<UsageAppend> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        PortArguments.CheckUsage(records);

        if (records.Count == 0)
        {
            return Task.FromResult(new UsageAppend([], []));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<UsageAppend>(cancellationToken);
        }

        // A copy, so a caller reusing its list cannot change what gets written.
        var pending = new PendingAppend([.. records]);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteUsageLedger));
        }

        return cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task;
    }

    public bool UniqueAcrossPeriods => true;

    public async Task<IReadOnlyList<UsageRecord>> ReadAsync(string contractId, string period, string? exceptSource = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM usage_ledger WHERE contract_id = $contract AND period = $period AND source IS NOT $except ORDER BY seq";
        command.Parameters.AddWithValue("$contract", contractId);
        command.Parameters.AddWithValue("$period", period);
        command.Parameters.AddWithValue("$except", (object?)exceptSource ?? DBNull.Value);
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
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        await SqliteDatabase.LeaveGrainScheduler();
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

    public async Task<UsageRecord?> FindAsync(string contractId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        // The unique (contract_id, event_id) index answers this: its condition is repeated so the planner may use it.
        command.CommandText = $"SELECT {Columns} FROM usage_ledger WHERE contract_id = $contract AND event_id = $event AND source <> '{UsageRecord.GeneratedSource}'";
        command.Parameters.AddWithValue("$contract", contractId);
        command.Parameters.AddWithValue("$event", eventId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRecord(reader) : null;
    }

    /// <remarks>Streams from one read snapshot; a long stream holds back WAL checkpointing until it ends.</remarks>
    public async IAsyncEnumerable<UsageRecord> StreamPeriodAsync(string period, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await SqliteDatabase.LeaveGrainScheduler();
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

    public async Task<IReadOnlyList<UsageHour>> ReadHoursAsync(string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT contract_id, hour, units, events FROM usage_hours WHERE period = $period";
        command.Parameters.AddWithValue("$period", period);
        var hours = new List<UsageHour>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            hours.Add(new UsageHour(reader.GetString(0),
                DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                reader.GetInt64(2), reader.GetInt64(3)));
        }

        return hours;
    }

    /// <summary>Stops accepting appends, lets the writer commit everything already queued, then stops it.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    // For containers disposed synchronously: blocks until the queue is drained.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static UsageRecord ReadRecord(SqliteDataReader reader) => new(
        EventId: reader.GetString(0),
        ContractId: reader.GetString(1),
        Period: reader.GetString(2),
        Units: reader.GetInt64(3),
        OccurredAt: DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        RecordedAt: DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        Source: reader.GetString(6),
        Fingerprint: reader.IsDBNull(7) ? null : reader.GetString(7));
}
