using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Usage;

/// <summary>
/// The usage ledger on Cosmos: one document per event in the logical partition of its contract and period,
/// plus that partition's totals document. Concurrent appends to one partition are group-committed: while one
/// commit runs, later callers queue and go together in the next. A commit (1) lists its events as pending in
/// the totals document, (2) creates the event documents (409 = already recorded), (3) counts them and takes
/// them off the pending list, each step one conditional write; callers are answered after (3), so an
/// acknowledged event is durable, counted and readable. Events still pending are invisible to every reader.
/// </summary>
public sealed class CosmosUsageLedger(CosmosStore store) : IUsageLedger, IAsyncDisposable
{
    // Bounds the totals document's pending list (and so the size of its two writes per commit).
    private const int MaxEventsPerCommit = 500;
    private const int IdleAppendersKept = 10_000;

    private static long lastArrival;

    private readonly ConcurrentDictionary<string, PartitionAppender> appenders = new(StringComparer.Ordinal);
    private bool disposed;

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

        var groups = records
            .Select((record, index) => (Record: record, Index: index))
            .GroupBy(x => (x.Record.ContractId, x.Record.Period))
            .Select(group => group.ToArray())
            .ToArray();
        var commits = groups
            .Select(group => Appender(group[0].Record.ContractId, group[0].Record.Period).Enqueue([.. group.Select(x => x.Record)]))
            .ToArray();
        var all = GatherAsync(records.Count, groups, commits);
        // Cancelling stops the wait, not the commit: a retry of the same event ids is ignored.
        return cancellationToken.CanBeCanceled ? all.WaitAsync(cancellationToken) : all;
    }

    /// <summary>Ids are unique within a contract's period (one logical partition), not across periods.</summary>
    public bool UniqueAcrossPeriods => false;

    private static async Task<UsageAppend> GatherAsync(int count, (UsageRecord Record, int Index)[][] groups, Task<UsageAppend>[] commits)
    {
        await Task.WhenAll(commits).ConfigureAwait(false);
        var results = new UsageAppendResult[count];
        var totals = new List<UsageTotals>(commits.Length);
        for (var g = 0; g < groups.Length; g++)
        {
            var answer = await commits[g].ConfigureAwait(false);
            for (var i = 0; i < groups[g].Length; i++)
            {
                results[groups[g][i].Index] = answer.Results[i];
            }

            totals.AddRange(answer.Totals);
        }

        return new UsageAppend(results, totals);
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadAsync(string contractId, string period, string? exceptSource = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        var container = await store.ContainerAsync(CosmosStore.UsageContainer, cancellationToken).ConfigureAwait(false);
        var query = exceptSource is null
            ? new QueryDefinition("SELECT * FROM c WHERE c.kind = 'usage' ORDER BY c.arrival")
            : new QueryDefinition("SELECT * FROM c WHERE c.kind = 'usage' AND c.source != @except ORDER BY c.arrival").WithParameter("@except", exceptSource);
        var options = new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(UsageEventDocument.PartitionKeyFor(contractId, period)),
            EnableOptimisticDirectExecution = true,
        };
        var documents = new List<UsageEventDocument>();
        using (var iterator = container.GetItemQueryIterator<UsageEventDocument>(query, requestOptions: options))
        {
            while (iterator.HasMoreResults)
            {
                documents.AddRange(await store.Retry.ExecuteAsync("read usage", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
            }
        }

        // Read after the events: any event found was listed as pending before it was written, so this copy
        // of the totals knows whether it is counted yet.
        var totals = await new UsageCounting(store, container).SettledAsync(contractId, period, cancellationToken).ConfigureAwait(false);
        return [.. documents.Where(d => !UsageCounting.IsUncounted(totals, d)).Select(d => d.ToRecord())];
    }

    public async Task<UsageTotals> GetTotalsAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        var container = await store.ContainerAsync(CosmosStore.UsageContainer, cancellationToken).ConfigureAwait(false);
        var totals = await new UsageCounting(store, container).SettledAsync(contractId, period, cancellationToken).ConfigureAwait(false);
        return new UsageTotals(contractId, period, totals.Units, totals.Events);
    }

    /// <remarks>A query across the contract's partitions (one per period); an event not yet counted is not found.</remarks>
    public async Task<UsageRecord?> FindAsync(string contractId, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var container = await store.ContainerAsync(CosmosStore.UsageContainer, cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = 'usage' AND c.contractId = @contract AND c.id = @id AND c.source != @generated")
            .WithParameter("@contract", contractId)
            .WithParameter("@id", UsageEventDocument.IdFor(eventId))
            .WithParameter("@generated", UsageRecord.GeneratedSource);
        var documents = new List<UsageEventDocument>();
        using (var iterator = container.GetItemQueryIterator<UsageEventDocument>(query))
        {
            while (iterator.HasMoreResults)
            {
                documents.AddRange(await store.Retry.ExecuteAsync("find usage", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
            }
        }

        var counting = new UsageCounting(store, container);
        foreach (var document in documents.Where(d => d.EventId == eventId).OrderBy(d => d.Arrival))
        {
            var totals = await counting.SettledAsync(contractId, document.Period, cancellationToken).ConfigureAwait(false);
            if (!UsageCounting.IsUncounted(totals, document))
            {
                return document.ToRecord();
            }
        }

        return null;
    }

    /// <remarks>
    /// A cross-partition query ordered by arrival, continued page by page. Arrival order is per process clock
    /// (microseconds, made strictly increasing), so across silos it is the order of their clocks.
    /// </remarks>
    public async IAsyncEnumerable<UsageRecord> StreamPeriodAsync(string period, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        var container = await store.ContainerAsync(CosmosStore.UsageContainer, cancellationToken).ConfigureAwait(false);
        var counting = new UsageCounting(store, container);
        var totals = new Dictionary<string, UsageTotalsDocument>(StringComparer.Ordinal);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = 'usage' AND c.period = @period ORDER BY c.arrival")
            .WithParameter("@period", period);
        using var iterator = container.GetItemQueryIterator<UsageEventDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1_000 });
        while (iterator.HasMoreResults)
        {
            var page = await store.Retry.ExecuteAsync("stream usage", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false);
            foreach (var document in page)
            {
                if (!totals.TryGetValue(document.PartitionKey, out var partitionTotals))
                {
                    partitionTotals = await counting.SettledAsync(document.ContractId, document.Period, cancellationToken).ConfigureAwait(false);
                    totals[document.PartitionKey] = partitionTotals;
                }

                if (!UsageCounting.IsUncounted(partitionTotals, document))
                {
                    yield return document.ToRecord();
                }
            }
        }
    }

    /// <remarks>
    /// One cross-partition query for the period's totals documents (one per contract with usage in it), each
    /// carrying its hourly sums. A document counted before hourly sums existed is summed from its events once per read.
    /// </remarks>
    public async Task<IReadOnlyList<UsageHour>> ReadHoursAsync(string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        var container = await store.ContainerAsync(CosmosStore.UsageContainer, cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = 'totals' AND c.period = @period").WithParameter("@period", period);
        var documents = new List<UsageTotalsDocument>();
        using (var iterator = container.GetItemQueryIterator<UsageTotalsDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1_000 }))
        {
            while (iterator.HasMoreResults)
            {
                documents.AddRange(await store.Retry.ExecuteAsync("read usage hours", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
            }
        }

        var hours = new List<UsageHour>();
        foreach (var totals in documents)
        {
            var sums = totals.HoursComplete
                ? totals.Hours ?? []
                : (await ReadAsync(totals.ContractId, period, cancellationToken: cancellationToken).ConfigureAwait(false))
                    .GroupBy(r => UsageTotalsDocument.HourOf(r.OccurredAt), StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => new[] { g.Sum(r => r.Units), (long)g.Count() }, StringComparer.Ordinal);
            hours.AddRange(sums.Where(h => h.Value[1] > 0).Select(h => new UsageHour(totals.ContractId,
                DateTimeOffset.Parse(h.Key, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), h.Value[0], h.Value[1])));
        }

        return hours;
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

    private PartitionAppender Appender(string contractId, string period)
    {
        var key = UsageEventDocument.PartitionKeyFor(contractId, period);
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
                    appenders.TryRemove(new KeyValuePair<string, PartitionAppender>(idleKey, idle));
                }
            }
        }

        return appenders.GetOrAdd(key, _ => new PartitionAppender(this, contractId, period));
    }

    /// <summary>Commits one partition's batch; returns the totals as stored and, per event id, what the ledger holds.</summary>
    private async Task<(UsageTotalsDocument Totals, IReadOnlyDictionary<string, WrittenEvent> Written, string Token)> CommitAsync(
        string contractId, string period, UsageTotalsDocument? known, IReadOnlyList<UsageRecord> records)
    {
        var cancellationToken = CancellationToken.None;
        var container = await store.ContainerAsync(CosmosStore.UsageContainer, cancellationToken).ConfigureAwait(false);
        var counting = new UsageCounting(store, container);
        var token = Guid.NewGuid().ToString("N");
        // The first of duplicates within the batch wins, as a later resend would be ignored.
        UsageEventDocument[] documents = [.. records.DistinctBy(r => r.EventId, StringComparer.Ordinal).Select(r => UsageEventDocument.From(r, NextArrival(), token))];

        var totals = await counting.UpdateAsync(contractId, period, known,
            (current, _) => Task.FromResult(counting.Announce(current, documents.Select(d => d.Id), token)), cancellationToken).ConfigureAwait(false);

        var written = new ConcurrentDictionary<string, WrittenEvent>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(documents, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, store.Options.WriteConcurrency) }, async (document, ct) =>
        {
            try
            {
                await store.Retry.ExecuteAsync("append usage event", t => container.CreateItemAsync(
                    document, new PartitionKey(document.PartitionKey), cancellationToken: t), ct).ConfigureAwait(false);
                written[document.Id] = new WrittenEvent(token, document.Units, document.ToRecord());
            }
            catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
            {
                // Already recorded, by an earlier append or by our own attempt whose answer was lost: whichever
                // token the stored document carries decides whether it still needs counting.
                written[document.Id] = await counting.ReadEventAsync(document.PartitionKey, document.Id, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Usage event '{document.EventId}' conflicted but cannot be read.", exception);
            }
        }).ConfigureAwait(false);

        var counted = await counting.UpdateAsync(contractId, period, totals,
            (current, ct) => counting.CountAsync(current, written, ct), cancellationToken).ConfigureAwait(false);
        return (counted, written, token);
    }

    private static long NextArrival()
    {
        var now = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
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

    /// <summary>The group commit of one contract and period in this process, with the totals it last wrote.</summary>
    private sealed class PartitionAppender(CosmosUsageLedger ledger, string contractId, string period)
    {
        private readonly Lock gate = new();
        private List<PendingAppend> queue = [];
        private Task running = Task.CompletedTask;
        private bool draining;
        private UsageTotalsDocument? totals;

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
                    var (counted, written, token) = await ledger.CommitAsync(contractId, period, totals, [.. batch.SelectMany(p => p.Records)]).ConfigureAwait(false);
                    totals = counted;
                    answers = Answers(batch, counted, written, token);
                }
#pragma warning disable CA1031 // Every failure is handed to the callers whose records were in the batch.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    totals = null;
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
            }
        }

        /// <summary>
        /// Per caller, what the ledger holds for each record sent: inserted only for the first record with an id whose
        /// stored document carries this commit's token; every other record gets the stored one.
        /// </summary>
        private UsageAppend[] Answers(List<PendingAppend> batch, UsageTotalsDocument counted, IReadOnlyDictionary<string, WrittenEvent> written, string token)
        {
            UsageTotals[] partitionTotals = [new UsageTotals(contractId, period, counted.Units, counted.Events)];
            var claimed = new HashSet<string>(StringComparer.Ordinal);
            var answers = new UsageAppend[batch.Count];
            for (var p = 0; p < batch.Count; p++)
            {
                var records = batch[p].Records;
                var results = new UsageAppendResult[records.Length];
                for (var i = 0; i < records.Length; i++)
                {
                    var stored = written[UsageEventDocument.IdFor(records[i].EventId)];
                    results[i] = new UsageAppendResult(stored.Stored,
                        Inserted: stored.AppendToken == token && claimed.Add(records[i].EventId));
                }

                answers[p] = new UsageAppend(results, partitionTotals);
            }

            return answers;
        }

        private List<PendingAppend> Take()
        {
            var count = 0;
            var taken = 0;
            while (taken < queue.Count && (taken == 0 || count + queue[taken].Records.Length <= MaxEventsPerCommit))
            {
                count += queue[taken].Records.Length;
                taken++;
            }

            var batch = queue.GetRange(0, taken);
            queue.RemoveRange(0, taken);
            return batch;
        }
    }

    private sealed record PendingAppend(UsageRecord[] Records)
    {
        public TaskCompletionSource<UsageAppend> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
