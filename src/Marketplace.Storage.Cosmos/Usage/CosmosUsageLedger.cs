using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Usage;

/// <summary>
/// The usage ledger on Cosmos as event blocks (DESIGN.md, "Usage"). A contract's period is spread over S shards,
/// partition <c>{contract}/{period}/{shard}</c>, S fixed for the period by its layout document; an event's shard
/// is a stable hash of its id, so the same id always lands in the same shard. Concurrent appends to one contract's
/// period are group-committed: a commit writes ONE document per shard it touches, holding that shard's events,
/// with a single create, which is atomic: there is nothing pending, nothing to settle, and a commit that fails
/// takes back (voids) whatever blocks it did write before its callers are answered. Blocks of a shard are numbered
/// in a chain (create-if-absent), which orders every writer of the shard, so the store decides duplicates: before
/// writing, a commit looks its provider- or buyer-chosen ids up in the shard (one query, index-served) and in the
/// same shard of the periods either side; ids the marketplace generated itself are never looked up. Totals are
/// the blocks' sums (a shard's checkpoint plus the blocks after it).
/// </summary>
public sealed class CosmosUsageLedger(CosmosStore store) : IUsageLedger, IAsyncDisposable
{
    /// <summary>Most events in one block (and one commit).</summary>
    public const int MaxEventsPerBlock = 1_000;

    /// <summary>
    /// Most bytes of events in one block by <see cref="UsageBlockEvent.MaxJsonBytes"/> (an upper bound), a quarter
    /// of the 2 MB item limit: a larger append is split into several blocks, committed one after another.
    /// </summary>
    public const int MaxBlockBytes = 512 * 1024;

    private const int IdleAppendersKept = 10_000;

    /// <summary>An appender moves a shard's checkpoint on once this many blocks follow it (off its callers' path).</summary>
    internal const int CheckpointEveryBlocks = 16;

    /// <summary>Blocks read per page of each shard while a period streams: what a stream holds per shard.</summary>
    private const int StreamPageBlocks = 4;

    private static long lastArrival;

    private readonly UsageCounting counting = new(store);
    private readonly ConcurrentDictionary<string, PeriodAppender> appenders = new(StringComparer.Ordinal);
    private bool disposed;

    private CosmosStore Store => store;

    /// <summary>
    /// True: an id is refused when the contract already holds it in the record's period (for good) or in the period
    /// either side (DESIGN.md states the window), so a meter keeps only a small cache of recent ids.
    /// </summary>
    public bool UniqueAcrossPeriods => true;

    public Task<UsageAppend> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        PortArguments.CheckUsage(records);

        ObjectDisposedException.ThrowIf(disposed, this);
        if (records.Count == 0)
        {
            return Task.FromResult(new UsageAppend([], []));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<UsageAppend>(cancellationToken);
        }

        // One chunk per block's worth of each (contract, period), each committed on its own.
        var chunks = new List<(int[] Indexes, Task<UsageAppend> Commit)>();
        foreach (var group in records.Select((record, index) => (Record: record, Index: index)).GroupBy(x => (x.Record.ContractId, x.Record.Period)))
        {
            var appender = Appender(group.Key.ContractId, group.Key.Period);
            foreach (var chunk in Chunks([.. group]))
            {
                chunks.Add(([.. chunk.Select(x => x.Index)], appender.Enqueue([.. chunk.Select(x => x.Record)])));
            }
        }

        var all = GatherAsync(records.Count, chunks);
        // Cancelling stops the wait, not the commit: a retry of the same event ids is ignored.
        return cancellationToken.CanBeCanceled ? all.WaitAsync(cancellationToken) : all;
    }

    /// <summary>Splits one contract period's records into runs that fit a block by count and by bytes.</summary>
    internal static IEnumerable<List<(UsageRecord Record, int Index)>> Chunks(List<(UsageRecord Record, int Index)> records)
    {
        var chunk = new List<(UsageRecord Record, int Index)>();
        var bytes = 0;
        foreach (var item in records)
        {
            var size = UsageBlockEvent.MaxJsonBytes(item.Record);
            if (chunk.Count > 0 && (chunk.Count >= MaxEventsPerBlock || bytes + size > MaxBlockBytes))
            {
                yield return chunk;
                (chunk, bytes) = ([], 0);
            }

            chunk.Add(item);
            bytes += size;
        }

        yield return chunk;
    }

    private static async Task<UsageAppend> GatherAsync(int count, List<(int[] Indexes, Task<UsageAppend> Commit)> chunks)
    {
        await Task.WhenAll(chunks.Select(c => c.Commit)).ConfigureAwait(false);
        var results = new UsageAppendResult[count];
        var totals = new Dictionary<(string, string), UsageTotals>();
        foreach (var (indexes, commit) in chunks)
        {
            var answer = await commit.ConfigureAwait(false);
            for (var i = 0; i < indexes.Length; i++)
            {
                results[indexes[i]] = answer.Results[i];
            }

            foreach (var total in answer.Totals)
            {
                // Of several chunks of one period, the latest totals (they only grow).
                if (!totals.TryGetValue((total.ContractId, total.Period), out var known) || known.Events <= total.Events)
                {
                    totals[(total.ContractId, total.Period)] = total;
                }
            }
        }

        return new UsageAppend(results, [.. totals.Values]);
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadAsync(string contractId, string period, string? exceptSource = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        if (await counting.ShardsAsync(contractId, period, cancellationToken).ConfigureAwait(false) is not { } shards)
        {
            return [];
        }

        var blocks = new List<UsageBlockDocument>();
        for (var shard = 0; shard < shards; shard++)
        {
            await foreach (var block in counting.BlocksAsync(UsageShards.PartitionKeyFor(contractId, period, shard), pageSize: 100, cancellationToken).ConfigureAwait(false))
            {
                blocks.Add(block);
            }
        }

        return [.. blocks
            .OrderBy(b => b.Arrival).ThenBy(b => b.Shard).ThenBy(b => b.Sequence)
            .SelectMany(b => b.Records())
            .Where(r => exceptSource is null || r.Source != exceptSource)];
    }

    public async Task<UsageTotals> GetTotalsAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        var totals = await counting.TotalsAsync(contractId, period, cancellationToken).ConfigureAwait(false);
        return new UsageTotals(contractId, period, totals.Units, totals.Events);
    }

    /// <remarks>One query across the contract's partitions on the indexed ids of its blocks' events.</remarks>
    public async Task<UsageRecord?> FindAsync(string contractId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var container = await counting.ContainerAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.contractId, c.period, c.at, e FROM c JOIN e IN c.ev WHERE c.kind = 'block' AND c.contractId = @contract AND e.i = @id")
            .WithParameter("@contract", contractId)
            .WithParameter("@id", eventId);
        var matches = await MatchesAsync(container, query, partitionKey: null, cancellationToken).ConfigureAwait(false);
        return matches.Where(m => m.ContractId == contractId && m.Event.KeyedId == eventId).MinBy(m => m.Arrival)?.ToRecord();
    }

    /// <remarks>
    /// Each shard of the period is read in its chain order, a few blocks at a time, and the shards are merged by the
    /// blocks' arrival: memory holds one page per shard, never the period. Arrival is per process clock
    /// (microseconds, strictly increasing), so across processes it is the order of their clocks.
    /// </remarks>
    public async IAsyncEnumerable<UsageRecord> StreamPeriodAsync(string period, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        var layouts = await LayoutsAsync(period, cancellationToken).ConfigureAwait(false);
        var open = new List<IAsyncEnumerator<UsageBlockDocument>>();
        try
        {
            var next = new PriorityQueue<IAsyncEnumerator<UsageBlockDocument>, (long Arrival, string PartitionKey)>();
            foreach (var layout in layouts)
            {
                for (var shard = 0; shard < layout.Shards; shard++)
                {
                    var blocks = counting.BlocksAsync(UsageShards.PartitionKeyFor(layout.ContractId, period, shard), StreamPageBlocks, cancellationToken).GetAsyncEnumerator(cancellationToken);
                    open.Add(blocks);
                    if (await blocks.MoveNextAsync().ConfigureAwait(false))
                    {
                        next.Enqueue(blocks, (blocks.Current.Arrival, blocks.Current.PartitionKey));
                    }
                }
            }

            while (next.TryDequeue(out var blocks, out _))
            {
                foreach (var record in blocks.Current.Records())
                {
                    yield return record;
                }

                if (await blocks.MoveNextAsync().ConfigureAwait(false))
                {
                    next.Enqueue(blocks, (blocks.Current.Arrival, blocks.Current.PartitionKey));
                }
            }
        }
        finally
        {
            foreach (var blocks in open)
            {
                await blocks.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <remarks>
    /// One query across partitions for the period's layouts (one per contract with usage in it), then each shard's
    /// totals with their hourly sums: a checkpoint read and a query for the blocks after it.
    /// </remarks>
    public async Task<IReadOnlyList<UsageHour>> ReadHoursAsync(string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        var layouts = await LayoutsAsync(period, cancellationToken).ConfigureAwait(false);
        var hours = new ConcurrentBag<UsageHour>();
        await Parallel.ForEachAsync(layouts, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (layout, ct) =>
        {
            var totals = await counting.TotalsAsync(layout.ContractId, period, ct).ConfigureAwait(false);
            foreach (var (hour, sums) in totals.Hours)
            {
                if (sums[1] > 0)
                {
                    hours.Add(new UsageHour(layout.ContractId, DateTimeOffset.Parse(hour, System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), sums[0], sums[1]));
                }
            }
        }).ConfigureAwait(false);
        return [.. hours];
    }

    /// <summary>Stops accepting appends and waits for the commits already running.</summary>
    public async ValueTask DisposeAsync()
    {
        disposed = true;
        foreach (var appender in appenders.Values)
        {
            await appender.IdleAsync().ConfigureAwait(false);
        }
    }

    private async Task<List<UsageLayoutDocument>> LayoutsAsync(string period, CancellationToken cancellationToken)
    {
        var container = await counting.ContainerAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = 'layout' AND c.period = @period").WithParameter("@period", period);
        var layouts = new List<UsageLayoutDocument>();
        using var iterator = container.GetItemQueryIterator<UsageLayoutDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1_000 });
        while (iterator.HasMoreResults)
        {
            layouts.AddRange(await store.Retry.ExecuteAsync("read usage layouts", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
        }

        return layouts;
    }

    /// <summary>The stored events among <paramref name="eventIds"/> (provider- or buyer-chosen) in one shard.</summary>
    private async Task<List<UsageBlockMatch>> MatchShardAsync(Container container, string partitionKey, IReadOnlyList<string> eventIds, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT c.contractId, c.period, c.at, e FROM c JOIN e IN c.ev WHERE c.kind = 'block' AND ARRAY_CONTAINS(@ids, e.i)")
            .WithParameter("@ids", eventIds);
        return await MatchesAsync(container, query, partitionKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored events among <paramref name="eventIds"/> in a contract's period, whatever their shard there.</summary>
    private async Task<List<UsageBlockMatch>> MatchPeriodAsync(Container container, string contractId, string period, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0 || await counting.ShardsAsync(contractId, period, cancellationToken, UsageCounting.AbsenceRemembered).ConfigureAwait(false) is not { } shards)
        {
            return [];
        }

        var found = await Task.WhenAll(records.GroupBy(r => UsageShards.Of(r.EventId, shards)).Select(group => MatchShardAsync(
            container, UsageShards.PartitionKeyFor(contractId, period, group.Key), [.. group.Select(r => r.EventId)], cancellationToken))).ConfigureAwait(false);
        return [.. found.SelectMany(f => f)];
    }

    private async Task<List<UsageBlockMatch>> MatchesAsync(Container container, QueryDefinition query, string? partitionKey, CancellationToken cancellationToken)
    {
        var options = partitionKey is null ? new QueryRequestOptions() : new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey), EnableOptimisticDirectExecution = true };
        var matches = new List<UsageBlockMatch>();
        using var iterator = container.GetItemQueryIterator<UsageBlockMatch>(query, requestOptions: options);
        while (iterator.HasMoreResults)
        {
            matches.AddRange(await store.Retry.ExecuteAsync("look up usage ids", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
        }

        return matches;
    }

    private async Task<UsageBlockDocument?> ReadBlockAsync(Container container, string partitionKey, long sequence, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.Retry.ExecuteAsync("read usage block", ct => container.ReadItemAsync<UsageBlockDocument>(
                UsageBlockDocument.IdFor(sequence), new PartitionKey(partitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false)).Resource;
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Takes back the blocks a failed commit wrote (or may have written: a create whose answer never came): each
    /// one still carrying the commit's token becomes an empty, void block, so none of its events is ever counted.
    /// The chain keeps its number. Best effort: if the store cannot be reached for this either, a block that did
    /// land stays (DESIGN.md).
    /// </summary>
    private async Task VoidAsync(Container container, string contractId, string period, string token, IEnumerable<(int Shard, long Sequence)> blocks)
    {
        foreach (var (shard, sequence) in blocks)
        {
            var partitionKey = UsageShards.PartitionKeyFor(contractId, period, shard);
            try
            {
                if (await ReadBlockAsync(container, partitionKey, sequence, CancellationToken.None).ConfigureAwait(false) is { Void: not true } block && block.Token == token)
                {
                    await store.Retry.ExecuteAsync("void usage block", ct => container.ReplaceItemAsync(
                        block.Voided(), block.Id, new PartitionKey(partitionKey), new ItemRequestOptions { IfMatchEtag = block.ETag }, ct), CancellationToken.None).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // The commit's own failure is what its callers get; this is a best effort on top.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private static long NextArrival(TimeProvider time)
    {
        var now = UsageCounting.Arrival(time.GetUtcNow());
        while (true)
        {
            var last = Interlocked.Read(ref lastArrival);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref lastArrival, next, last) == last)
            {
                return next;
            }
        }
    }

    private PeriodAppender Appender(string contractId, string period)
    {
        var key = DocumentIds.Join(contractId, period);
        if (appenders.TryGetValue(key, out var existing))
        {
            return existing;
        }

        if (appenders.Count >= IdleAppendersKept)
        {
            foreach (var (idleKey, idle) in appenders)
            {
                if (idle.IsIdle)
                {
                    appenders.TryRemove(new KeyValuePair<string, PeriodAppender>(idleKey, idle));
                }
            }
        }

        return appenders.GetOrAdd(key, _ => new PeriodAppender(this, contractId, period));
    }

    /// <summary>
    /// What one shard's chain holds as this process last saw it: the last block number and their sums, the shard's
    /// checkpoint as last read or written, and the blocks after it (at most a few hundred: the appender moves the
    /// checkpoint on every <see cref="CheckpointEveryBlocks"/> blocks).
    /// </summary>
    private sealed class ShardView(ShardTotals totals)
    {
        public long Head { get; private set; } = totals.Head;

        public long Units { get; private set; } = totals.Units;

        public long Events { get; private set; } = totals.Events;

        public UsageCheckpointDocument? Checkpoint { get; set; } = totals.Checkpoint;

        /// <summary>Blocks after the checkpoint, in chain order, each with whether this process's own commit wrote it.</summary>
        public List<(UsageBlockSummary Block, bool Ours)> Uncheckpointed { get; } = [.. (totals.Tail ?? []).Select(b => (b, false))];

        public void Add(UsageBlockDocument block, bool ours)
        {
            Head = block.Sequence;
            Units = checked(Units + block.Units);
            Events += block.Events;
            Uncheckpointed.Add((UsageBlockSummary.Of(block), ours));
        }
    }

    /// <summary>What the ledger holds for one event id after a commit, and whether this commit stored it.</summary>
    private readonly record struct Outcome(UsageRecord Stored, bool Inserted);

    /// <summary>The group commit of one contract and period in this process, with the shard chains as it last saw them.</summary>
    private sealed class PeriodAppender(CosmosUsageLedger ledger, string contractId, string period)
    {
        private static readonly int[] NeighbourMonths = [-1, 1];
        private readonly Lock gate = new();
        private readonly List<PendingAppend> queue = [];
        private Task running = Task.CompletedTask;
        private bool draining;
        private ShardView?[]? views;

        public bool IsIdle
        {
            get
            {
                lock (gate)
                {
                    return !draining;
                }
            }
        }

        public Task<UsageAppend> Enqueue(UsageRecord[] records)
        {
            var pending = new PendingAppend(records);
            lock (gate)
            {
                queue.Add(pending);
                if (!draining)
                {
                    draining = true;
                    running = Task.Run(DrainAsync);
                }
            }

            return pending.Completion.Task;
        }

        public Task IdleAsync()
        {
            lock (gate)
            {
                return running;
            }
        }

        private async Task DrainAsync()
        {
            while (true)
            {
                List<PendingAppend> batch;
                lock (gate)
                {
                    if (queue.Count == 0)
                    {
                        draining = false;
                        return;
                    }

                    batch = Take();
                }

                UsageAppend[] answers;
                try
                {
                    var (outcomes, totals) = await CommitAsync([.. batch.SelectMany(p => p.Records)]).ConfigureAwait(false);
                    answers = Answers(batch, outcomes, totals);
                }
#pragma warning disable CA1031 // Every failure is handed to the callers whose records were in the batch.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    views = null; // read the chains afresh next time
                    foreach (var pending in batch)
                    {
                        pending.Completion.TrySetException(exception);
                    }

                    continue;
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(answers[i]);
                }

                await CheckpointAsync().ConfigureAwait(false);
            }
        }

        /// <summary>
        /// After the callers are answered: moves each shard's checkpoint on over the blocks that can no longer
        /// change, so that totals reads stay short however busy the shard. This commit's own blocks are final (it
        /// succeeded); another writer's only once older than <see cref="CosmosStoreOptions.UsageSettleAfter"/> (it
        /// might still void them). Best effort, never needed for correctness.
        /// </summary>
        private async Task CheckpointAsync()
        {
            if (views is null)
            {
                return;
            }

            var settledBefore = UsageCounting.Arrival(ledger.Store.Time.GetUtcNow() - ledger.Store.Options.UsageSettleAfter);
            for (var shard = 0; shard < views.Length; shard++)
            {
                if (views[shard] is not { } view || view.Uncheckpointed.Count < CheckpointEveryBlocks)
                {
                    continue;
                }

                try
                {
                    var container = await ledger.counting.ContainerAsync(CancellationToken.None).ConfigureAwait(false);
                    var partitionKey = UsageShards.PartitionKeyFor(contractId, period, shard);
                    var final = view.Uncheckpointed.TakeWhile(b => b.Ours || b.Block.Arrival < settledBefore).Select(b => b.Block).ToList();
                    if (final.Count == 0)
                    {
                        continue;
                    }

                    var moved = await ledger.counting.TryAdvanceAsync(container, partitionKey, view.Checkpoint, final, CancellationToken.None).ConfigureAwait(false);
                    if (moved is null)
                    {
                        // Someone else moved it (or it was never read): start from the stored one next time.
                        moved = await ledger.counting.CheckpointAsync(container, partitionKey, CancellationToken.None).ConfigureAwait(false);
                        if (moved is not null && moved.UpTo < (view.Uncheckpointed.Count > 0 ? view.Uncheckpointed[0].Block.Sequence - 1 : view.Head))
                        {
                            // Older than what this view holds after it: it can only be moved by a reader's full tail read.
                            continue;
                        }
                    }

                    view.Checkpoint = moved;
                    view.Uncheckpointed.RemoveAll(b => b.Block.Sequence <= (moved?.UpTo ?? 0));
                }
#pragma warning disable CA1031 // A checkpoint is a saving; a failure to move it changes nothing the ledger answers.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }

        /// <summary>
        /// Writes the batch: ids already stored (in this period's shard or the same id's shard either side) are
        /// answered with what is stored; the rest go into one new block per shard, written in parallel. If any
        /// block fails, the blocks written are voided and the whole commit fails: nothing of it is ever counted.
        /// </summary>
        private async Task<(Dictionary<string, Outcome> Outcomes, UsageTotals Totals)> CommitAsync(UsageRecord[] records)
        {
            var cancellationToken = CancellationToken.None;
            var container = await ledger.counting.ContainerAsync(cancellationToken).ConfigureAwait(false);
            var (shards, created) = await ledger.counting.EnsureShardsAsync(contractId, period, cancellationToken).ConfigureAwait(false);
            // A layout this commit created has no blocks yet (another writer's would only be found by a 409).
            views ??= created
                ? [.. Enumerable.Range(0, shards).Select(_ => new ShardView(new ShardTotals(0, 0, 0, [])))]
                : new ShardView?[shards];
            var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);

            // The first of duplicates within the batch wins, as a later resend would be ignored.
            var fresh = records.DistinctBy(r => r.EventId, StringComparer.Ordinal).ToList();
            List<UsageRecord> keyed = [.. fresh.Where(r => r.Source != UsageRecord.GeneratedSource)];
            foreach (var months in NeighbourMonths)
            {
                if (keyed.Count > 0 && UsageShards.Neighbour(period, months) is { } neighbour)
                {
                    foreach (var match in (await ledger.MatchPeriodAsync(container, contractId, neighbour, keyed, cancellationToken).ConfigureAwait(false)).OrderBy(m => m.Arrival))
                    {
                        outcomes.TryAdd(match.Event.EventId, new Outcome(match.ToRecord(), Inserted: false));
                    }

                    keyed.RemoveAll(r => outcomes.ContainsKey(r.EventId));
                }
            }

            var token = Guid.NewGuid().ToString("N");
            var attempted = new ConcurrentQueue<(int Shard, long Sequence)>();
            var writes = fresh.Where(r => !outcomes.ContainsKey(r.EventId))
                .GroupBy(r => UsageShards.Of(r.EventId, shards))
                .Select(group => WriteShardAsync(container, group.Key, [.. group], token, attempted, cancellationToken))
                .ToArray();
            try
            {
                foreach (var written in await Task.WhenAll(writes).ConfigureAwait(false))
                {
                    foreach (var (id, outcome) in written)
                    {
                        outcomes[id] = outcome;
                    }
                }
            }
            catch (Exception)
            {
                // Every block write has finished (Task.WhenAll): none can land after this takes it back.
                await ledger.VoidAsync(container, contractId, period, token, attempted).ConfigureAwait(false);
                throw;
            }

            var (units, events) = (0L, 0L);
            for (var shard = 0; shard < shards; shard++)
            {
                var view = views[shard] ??= new ShardView(await ledger.counting.ShardAsync(contractId, period, shard, cancellationToken).ConfigureAwait(false));
                (units, events) = (checked(units + view.Units), events + view.Events);
            }

            return (outcomes, new UsageTotals(contractId, period, units, events));
        }

        /// <summary>
        /// One shard's part of a commit: its ids already stored are looked up (one query), and the rest written as
        /// the next block of the shard's chain. A 409 on the block means another writer took that number: its block
        /// is read, its events taken out of ours, and ours tries the next number.
        /// </summary>
        private async Task<Dictionary<string, Outcome>> WriteShardAsync(
            Container container, int shard, List<UsageRecord> records, string token, ConcurrentQueue<(int Shard, long Sequence)> attempted, CancellationToken cancellationToken)
        {
            var store = ledger.Store;
            var partitionKey = UsageShards.PartitionKeyFor(contractId, period, shard);
            var view = views![shard] ??= new ShardView(await ledger.counting.ShardAsync(contractId, period, shard, cancellationToken).ConfigureAwait(false));
            var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
            string[] keyed = [.. records.Where(r => r.Source != UsageRecord.GeneratedSource).Select(r => r.EventId)];
            if (keyed.Length > 0)
            {
                foreach (var match in (await ledger.MatchShardAsync(container, partitionKey, keyed, cancellationToken).ConfigureAwait(false)).OrderBy(m => m.Arrival))
                {
                    outcomes.TryAdd(match.Event.EventId, new Outcome(match.ToRecord(), Inserted: false));
                }
            }

            var remaining = records.Where(r => !outcomes.ContainsKey(r.EventId)).ToList();
            while (remaining.Count > 0)
            {
                var block = UsageBlockDocument.Create(contractId, period, shard, view.Head + 1, NextArrival(store.Time), token, remaining);
                attempted.Enqueue((shard, block.Sequence));
                try
                {
                    await store.Retry.ExecuteAsync("append usage block", ct => container.CreateItemAsync(
                        block, new PartitionKey(partitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
                }
                catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
                {
                    var taken = await ledger.ReadBlockAsync(container, partitionKey, block.Sequence, cancellationToken).ConfigureAwait(false)
                        ?? throw new StoreUnavailableException($"Usage block {block.Sequence} of '{contractId}' in {period} conflicted but cannot be read yet.", TimeSpan.FromSeconds(1), exception);
                    if (taken.Token != token)
                    {
                        // Another writer's block: count it into the view, and answer our ids it holds with its events.
                        view.Add(taken, ours: false);
                        var held = taken.Items.Where(i => i.KeyedId is not null).DistinctBy(i => i.KeyedId, StringComparer.Ordinal)
                            .ToDictionary(i => i.KeyedId!, StringComparer.Ordinal);
                        remaining.RemoveAll(r => r.Source != UsageRecord.GeneratedSource && held.TryGetValue(r.EventId, out var stored)
                            && outcomes.TryAdd(r.EventId, new Outcome(stored.ToRecord(contractId, period), Inserted: false)));
                        continue;
                    }
                    // Our own create, whose first answer was lost: it landed.
                }

                view.Add(block, ours: true);
                foreach (var record in remaining)
                {
                    outcomes[record.EventId] = new Outcome(record, Inserted: true);
                }

                break;
            }

            return outcomes;
        }

        /// <summary>
        /// Per caller, what the ledger holds for each record sent: inserted only for the first record with an id
        /// that this commit stored; every other record gets the stored one.
        /// </summary>
        private static UsageAppend[] Answers(List<PendingAppend> batch, Dictionary<string, Outcome> outcomes, UsageTotals totals)
        {
            UsageTotals[] periodTotals = [totals];
            var claimed = new HashSet<string>(StringComparer.Ordinal);
            var answers = new UsageAppend[batch.Count];
            for (var p = 0; p < batch.Count; p++)
            {
                var records = batch[p].Records;
                var results = new UsageAppendResult[records.Length];
                for (var i = 0; i < records.Length; i++)
                {
                    var outcome = outcomes[records[i].EventId];
                    results[i] = new UsageAppendResult(outcome.Stored, Inserted: outcome.Inserted && claimed.Add(records[i].EventId));
                }

                answers[p] = new UsageAppend(results, periodTotals);
            }

            return answers;
        }

        /// <summary>Appends in arrival order up to one block's worth of events (each append is at most one already).</summary>
        private List<PendingAppend> Take()
        {
            var (count, bytes, taken) = (0, 0, 0);
            while (taken < queue.Count)
            {
                var next = queue[taken];
                if (taken > 0 && (count + next.Records.Length > MaxEventsPerBlock || bytes + next.Bytes > MaxBlockBytes))
                {
                    break;
                }

                (count, bytes, taken) = (count + next.Records.Length, bytes + next.Bytes, taken + 1);
            }

            var batch = queue.GetRange(0, taken);
            queue.RemoveRange(0, taken);
            return batch;
        }
    }

    private sealed record PendingAppend(UsageRecord[] Records)
    {
        public int Bytes { get; } = Records.Sum(UsageBlockEvent.MaxJsonBytes);

        public TaskCompletionSource<UsageAppend> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
