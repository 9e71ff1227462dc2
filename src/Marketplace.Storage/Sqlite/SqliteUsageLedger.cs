using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The usage ledger, spread over the store's ledger files (<see cref="SqliteDatabase.UsageLedgerFiles"/>), each with its
/// own group-committing writer (<see cref="SqliteLedgerFile"/>), so commits and their fsyncs overlap instead of queueing
/// behind one another. Rows append in arrival order in each file, so inserts never land on random B-tree pages.
/// </summary>
/// <remarks>
/// An event lives in the file a stable hash of its (contract, event id) names (FNV-1a, the same in every process and
/// build), so a repeat of an id always reaches the file that holds it, and even one busy contract's events are spread
/// over every file. The store decides duplicates there: a unique index on (contract_id, event_id) and
/// <c>INSERT OR IGNORE</c>, so an id is stored once per contract whatever period its record names and whoever sends it
/// (a second meter activation, another connection or process). Ids the marketplace generated for one request
/// (<see cref="UsageRecord.GeneratedSource"/>, the brokered hot path) are never sent twice and stay out of the index.
/// A random-key index costs a page per event per commit: providers' event ids that arrive in no order at all (UUIDv4)
/// ingest about three times slower than ordered ones; see the benchmark's "random ids" scenario.
/// <para>
/// A contract's totals and hours are kept per file, in the transaction of the events they sum, and added up across
/// the files when read. A store made before ledger files keeps its ledger in the main database: one file, read and
/// written exactly where its rows are.
/// </para>
/// </remarks>
public sealed class SqliteUsageLedger : IUsageLedger, IAsyncDisposable, IDisposable
{
    private readonly SqliteLedgerFile[] files;
    private readonly LedgerArrivals arrivals;

    public SqliteUsageLedger(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var count = database.UsageLedgerFiles;
        files = new SqliteLedgerFile[Math.Max(1, count)];
        try
        {
            for (var i = 0; i < files.Length; i++)
            {
                files[i] = count == 0
                    ? new SqliteLedgerFile(database, 0, ownsDatabase: false, files)
                    : new SqliteLedgerFile(database.OpenLedgerFile(i), i, ownsDatabase: true, files);
            }
            arrivals = new LedgerArrivals(TimeProvider.System, files.Max(f => f.LastStored()));
        }
        catch
        {
            foreach (var file in files)
            {
                file?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            throw;
        }
    }

    /// <summary>The <c>synchronous</c> setting SQLite reports on a writer's connection (null before one first opens).</summary>
    internal long? WriterSynchronous => files.Select(f => f.WriterSynchronous).FirstOrDefault(s => s is not null);

    /// <summary>The databases the ledger is spread over, by file index.</summary>
    internal IReadOnlyList<SqliteDatabase> Files => [.. files.Select(f => f.Database)];

    /// <remarks>
    /// The records are split by file and every file commits its part in its own transaction; the answer comes once
    /// every part is durable. Should one part fail, the append fails while the parts that committed stay: a retry of
    /// the same records stores only what is missing (the rest answer as already held, with their stored records), so
    /// nothing is lost or counted twice. That is the answer a caller already gets after a cancelled wait or a lost
    /// reply, and the usage meter and the broker, the callers, never take a failed append to mean "nothing stored".
    /// Cancelling stops the wait, not the write: records already queued may still commit, which is safe because a
    /// retry of the same event ids is ignored.
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

        // Copies, so a caller reusing its list cannot change what gets written.
        var fileOf = new int[records.Count];
        var first = FileOf(records[0]);
        var oneFile = true;
        for (var i = 0; i < fileOf.Length; i++)
        {
            fileOf[i] = FileOf(records[i]);
            oneFile &= fileOf[i] == first;
        }
        var answer = oneFile
            ? arrivals.Stamp(records.Count, stamp => AnswerAsync(files[first].Enqueue([.. records], Stamps(stamp, records.Count))))
            : AnswerAsync(records, fileOf);
        return cancellationToken.CanBeCanceled ? answer.WaitAsync(cancellationToken) : answer;
    }

    public bool UniqueAcrossPeriods => true;

    public async Task<IReadOnlyList<UsageRecord>> ReadAsync(string contractId, string period, string? exceptSource = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        var records = new List<UsageRecord>();
        await foreach (var record in MergedAsync(
            $"SELECT {SqliteLedgerFile.Columns}, seq FROM usage_ledger WHERE contract_id = $contract AND period = $period AND source IS NOT $except ORDER BY seq",
            parameters =>
            {
                parameters.AddWithValue("$contract", contractId);
                parameters.AddWithValue("$period", period);
                parameters.AddWithValue("$except", (object?)exceptSource ?? DBNull.Value);
            }, cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        return records;
    }

    public async Task<UsageTotals> GetTotalsAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        await SqliteDatabase.LeaveGrainScheduler();
        long units = 0, events = 0;
        foreach (var file in files)
        {
            using var connection = file.Database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT units, events FROM usage_totals WHERE contract_id = $contract AND period = $period";
            command.Parameters.AddWithValue("$contract", contractId);
            command.Parameters.AddWithValue("$period", period);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                units = checked(units + reader.GetInt64(0));
                events += reader.GetInt64(1);
            }
        }

        return new UsageTotals(contractId, period, units, events);
    }

    public async Task<UsageRecord?> FindAsync(string contractId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = files[FileOf(contractId, eventId)].Database.OpenConnection();
        using var command = connection.CreateCommand();
        // The unique (contract_id, event_id) index answers this: its condition is repeated so the planner may use it.
        command.CommandText = $"SELECT {SqliteLedgerFile.Columns} FROM usage_ledger WHERE contract_id = $contract AND event_id = $event AND source <> '{UsageRecord.GeneratedSource}'";
        command.Parameters.AddWithValue("$contract", contractId);
        command.Parameters.AddWithValue("$event", eventId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteLedgerFile.ReadRecord(reader) : null;
    }

    /// <remarks>
    /// Streams from one read snapshot per file, merged by arrival stamp; a long stream holds back WAL checkpointing
    /// until it ends. The records one append spread over several files arrived together: they come file by file.
    /// </remarks>
    public IAsyncEnumerable<UsageRecord> StreamPeriodAsync(string period, CancellationToken cancellationToken = default) =>
        MergedAsync($"SELECT {SqliteLedgerFile.Columns}, seq FROM usage_ledger WHERE period = $period ORDER BY seq",
            parameters => parameters.AddWithValue("$period", period), cancellationToken);

    public async Task<IReadOnlyList<UsageHour>> ReadHoursAsync(string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        await SqliteDatabase.LeaveGrainScheduler();
        // A contract's hour may have events in every file: summed here, in the order first met.
        var hours = new Dictionary<(string ContractId, string Hour), (long Units, long Events)>();
        foreach (var file in files)
        {
            using var connection = file.Database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT contract_id, hour, units, events FROM usage_hours WHERE period = $period";
            command.Parameters.AddWithValue("$period", period);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                var (units, events) = hours.GetValueOrDefault(key);
                hours[key] = (checked(units + reader.GetInt64(2)), events + reader.GetInt64(3));
            }
        }

        return [.. hours.Select(h => new UsageHour(h.Key.ContractId,
            DateTimeOffset.Parse(h.Key.Hour, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
            h.Value.Units, h.Value.Events))];
    }

    /// <summary>Stops accepting appends, lets every file's writer commit everything already queued, then stops them.</summary>
    public async ValueTask DisposeAsync()
    {
        // Every file refuses first, so an append arriving now is refused whole rather than queued in some files only.
        foreach (var file in files)
        {
            file.StopAccepting();
        }
        foreach (var file in files)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    // For containers disposed synchronously: blocks until the queues are drained.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The file an event lives in: FNV-1a (32-bit) over the UTF-16 code units of the contract id, a separator and the
    /// event id, mixed by MurmurHash3's 32-bit finalizer (FNV-1a alone spreads ids that differ in their last character,
    /// such as e-1 and e-2, over a few neighbouring values) and scaled to the file count by its high bits. Fixed for
    /// good once a store holds events: never change it, nor the store's file count.
    /// </summary>
    internal static int FileOf(string contractId, string eventId, int files)
    {
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        var hash = offsetBasis;
        foreach (var c in contractId)
        {
            hash = (hash ^ c) * prime;
        }
        hash = (hash ^ '\n') * prime;
        foreach (var c in eventId)
        {
            hash = (hash ^ c) * prime;
        }
        hash ^= hash >> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >> 16;
        return (int)((ulong)hash * (uint)files >> 32);
    }

    private int FileOf(string contractId, string eventId) => files.Length == 1 ? 0 : FileOf(contractId, eventId, files.Length);

    private int FileOf(UsageRecord record) => FileOf(record.ContractId, record.EventId);

    private static long[] Stamps(long first, int count)
    {
        var stamps = new long[count];
        for (var i = 0; i < count; i++)
        {
            stamps[i] = first + i;
        }
        return stamps;
    }

    private static async Task<UsageAppend> AnswerAsync(Task<SqliteLedgerFile.PendingAppend> part)
    {
        var committed = await part.ConfigureAwait(false);
        return new UsageAppend(committed.Results, TotalsOf(committed.Records, [committed]));
    }

    private async Task<UsageAppend> AnswerAsync(IReadOnlyList<UsageRecord> records, int[] fileOf)
    {
        var parts = new List<(SqliteLedgerFile File, List<int> Indexes)>();
        var byFile = new List<int>?[files.Length];
        for (var i = 0; i < fileOf.Length; i++)
        {
            if (byFile[fileOf[i]] is not { } indexes)
            {
                byFile[fileOf[i]] = indexes = [];
                parts.Add((files[fileOf[i]], indexes));
            }
            indexes.Add(i);
        }

        // Every part is queued before any is awaited, so the files commit them side by side.
        var pending = arrivals.Stamp(records.Count, stamp =>
            parts.Select(p => p.File.Enqueue([.. p.Indexes.Select(i => records[i])], [.. p.Indexes.Select(i => stamp + i)])).ToArray());
        var committed = await Task.WhenAll(pending).ConfigureAwait(false);
        var results = new UsageAppendResult[records.Count];
        for (var p = 0; p < parts.Count; p++)
        {
            var indexes = parts[p].Indexes;
            for (var i = 0; i < indexes.Count; i++)
            {
                results[indexes[i]] = committed[p].Results[i];
            }
        }

        return new UsageAppend(results, TotalsOf(records, committed));
    }

    /// <summary>
    /// The ledger's totals of each (contract, period) of the records, in the order first met: per file, the latest
    /// figure any part heard (the one counting the most events: a file's totals only grow), summed over the files.
    /// </summary>
    private static UsageTotals[] TotalsOf(IReadOnlyList<UsageRecord> records, IReadOnlyList<SqliteLedgerFile.PendingAppend> parts)
    {
        var totals = new List<UsageTotals>();
        var seen = new HashSet<(string, string)>();
        foreach (var record in records)
        {
            var key = (record.ContractId, record.Period);
            if (!seen.Add(key))
            {
                continue;
            }
            UsageTotals?[]? latest = null;
            foreach (var part in parts)
            {
                if (!part.Totals.TryGetValue(key, out var perFile))
                {
                    continue;
                }
                latest ??= new UsageTotals?[perFile.Length];
                for (var file = 0; file < perFile.Length; file++)
                {
                    if (perFile[file] is { } heard && (latest[file] is not { } known || heard.Events > known.Events))
                    {
                        latest[file] = heard;
                    }
                }
            }
            long units = 0, events = 0;
            foreach (var file in latest!)
            {
                units = checked(units + (file?.Units ?? 0));
                events += file?.Events ?? 0;
            }
            totals.Add(new UsageTotals(record.ContractId, record.Period, units, events));
        }

        return [.. totals];
    }

    /// <summary>
    /// The rows <paramref name="sql"/> selects (the record's columns, then seq, in seq order) from every file, merged
    /// by seq (ties, possible only between processes, by file index).
    /// </summary>
    private async IAsyncEnumerable<UsageRecord> MergedAsync(string sql, Action<SqliteParameterCollection> bind,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await SqliteDatabase.LeaveGrainScheduler();
        var connections = new SqliteConnection?[files.Length];
        var commands = new SqliteCommand?[files.Length];
        var readers = new SqliteDataReader?[files.Length];
        var heads = new long?[files.Length];
        try
        {
            for (var i = 0; i < files.Length; i++)
            {
                connections[i] = files[i].Database.OpenConnection();
                var command = commands[i] = connections[i]!.CreateCommand();
                command.CommandText = sql;
                bind(command.Parameters);
                var reader = readers[i] = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                heads[i] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetInt64(8) : null;
            }

            while (true)
            {
                var next = -1;
                for (var i = 0; i < heads.Length; i++)
                {
                    if (heads[i] is { } seq && (next < 0 || seq < heads[next]!.Value))
                    {
                        next = i;
                    }
                }
                if (next < 0)
                {
                    yield break;
                }
                var reader = readers[next]!;
                yield return SqliteLedgerFile.ReadRecord(reader);
                heads[next] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetInt64(8) : null;
            }
        }
        finally
        {
            for (var i = 0; i < files.Length; i++)
            {
                readers[i]?.Dispose();
                commands[i]?.Dispose();
                connections[i]?.Dispose();
            }
        }
    }
}
