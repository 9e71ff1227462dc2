using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Usage;

/// <summary>
/// Reads of the usage container that the ledger's writers and readers share: the layout of a contract's period
/// (its shard count, cached for good once read: it never changes), a shard's totals (its checkpoint plus the
/// blocks after it) and a shard's blocks in chain order.
/// </summary>
internal sealed class UsageCounting(CosmosStore store)
{
    /// <summary>A reader moves a shard's checkpoint on once at least this many settled blocks follow it.</summary>
    public const int CheckpointAfterBlocks = 64;

    /// <summary>How long a period found without usage is not looked at again by duplicate checks of the periods either side.</summary>
    public static readonly TimeSpan AbsenceRemembered = TimeSpan.FromMinutes(1);

    // Layouts never change once written, so a cached one is never stale; the bound only caps memory.
    private const int LayoutsCached = 100_000;

    private readonly ConcurrentDictionary<(string Contract, string Period), int> layouts = new();
    private readonly ConcurrentDictionary<(string Contract, string Period), DateTimeOffset> absent = new();

    public Task<Container> ContainerAsync(CancellationToken cancellationToken) => store.ContainerAsync(CosmosStore.UsageContainer, cancellationToken);

    /// <summary>
    /// The period's shard count, or null while nothing was ever written to it. With <paramref name="absenceLasts"/>,
    /// an answer of "none" is remembered that long (duplicate checks of the periods either side, which would
    /// otherwise read a missing layout on every commit).
    /// </summary>
    public async Task<int?> ShardsAsync(string contractId, string period, CancellationToken cancellationToken, TimeSpan? absenceLasts = null)
    {
        if (layouts.TryGetValue((contractId, period), out var known))
        {
            return known;
        }

        var now = store.Time.GetUtcNow();
        if (absenceLasts is not null && absent.TryGetValue((contractId, period), out var until) && now < until)
        {
            return null;
        }

        var container = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await store.Retry.ExecuteAsync("read usage layout", ct => container.ReadItemAsync<UsageLayoutDocument>(
                UsageLayoutDocument.DocumentId, new PartitionKey(UsageShards.PartitionKeyFor(contractId, period, 0)), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return Remember(contractId, period, response.Resource.Shards);
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            // Not cached unless asked: the first writer may create it any moment.
            if (absenceLasts is { } lasts)
            {
                if (absent.Count >= LayoutsCached)
                {
                    absent.Clear();
                }

                absent[(contractId, period)] = now + lasts;
            }

            return null;
        }
    }

    /// <summary>
    /// The period's shard count, fixing it first if nobody has: <see cref="CosmosStoreOptions.UsageShardsFor"/> of the
    /// contract, raised to what the previous period's volume needs (<see cref="CosmosStoreOptions.UsageEventsPerShard"/>).
    /// Whoever creates the layout first wins; everyone else reads theirs.
    /// </summary>
    /// <returns>The shard count, and whether this call created the layout (so the period has no blocks yet).</returns>
    public async Task<(int Shards, bool Created)> EnsureShardsAsync(string contractId, string period, CancellationToken cancellationToken)
    {
        if (await ShardsAsync(contractId, period, cancellationToken).ConfigureAwait(false) is { } known)
        {
            return (known, false);
        }

        var options = store.Options;
        var shards = options.UsageShardsFor(contractId);
        if (options.UsageEventsPerShard > 0 && UsageShards.Neighbour(period, -1) is { } previous
            && await TotalsAsync(contractId, previous, cancellationToken, AbsenceRemembered).ConfigureAwait(false) is { Events: > 0 } before)
        {
            shards = (int)Math.Max(shards, Math.Min(options.UsageMaxShards, (before.Events + options.UsageEventsPerShard - 1) / options.UsageEventsPerShard));
        }

        shards = Math.Clamp(shards, 1, Math.Max(1, options.UsageMaxShards));
        var layout = new UsageLayoutDocument
        {
            PartitionKey = UsageShards.PartitionKeyFor(contractId, period, 0),
            ContractId = contractId,
            Period = period,
            Shards = shards,
        };
        var container = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await store.Retry.ExecuteAsync("create usage layout", ct => container.CreateItemAsync(
                layout, new PartitionKey(layout.PartitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return (Remember(contractId, period, shards), true);
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
        {
            return (await ShardsAsync(contractId, period, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The usage layout of '{contractId}' in {period} conflicted but cannot be read.", exception), false);
        }
    }

    /// <summary>A contract's period summed over its shards (zero when it has none).</summary>
    public async Task<ShardTotals> TotalsAsync(string contractId, string period, CancellationToken cancellationToken, TimeSpan? absenceLasts = null)
    {
        if (await ShardsAsync(contractId, period, cancellationToken, absenceLasts).ConfigureAwait(false) is not { } shards)
        {
            return new ShardTotals(0, 0, 0, new Dictionary<string, long[]>(StringComparer.Ordinal));
        }

        var parts = await Task.WhenAll(Enumerable.Range(0, shards).Select(shard => ShardAsync(contractId, period, shard, cancellationToken))).ConfigureAwait(false);
        var hours = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            UsageHours.Add(hours, part.Hours);
        }

        return new ShardTotals(0, parts.Sum(p => p.Units), parts.Sum(p => p.Events), hours);
    }

    /// <summary>
    /// One shard's totals and the last block number: its checkpoint (one point read) plus the blocks after it (one
    /// query returning only their sums). When the tail is long, moves the checkpoint on over the blocks older than
    /// <see cref="CosmosStoreOptions.UsageSettleAfter"/> (a block can still be voided until its commit has given up).
    /// </summary>
    public async Task<ShardTotals> ShardAsync(string contractId, string period, int shard, CancellationToken cancellationToken)
    {
        var container = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var partitionKey = UsageShards.PartitionKeyFor(contractId, period, shard);
        var checkpoint = await CheckpointAsync(container, partitionKey, cancellationToken).ConfigureAwait(false);

        var upTo = checkpoint?.UpTo ?? 0;
        var query = new QueryDefinition("SELECT c.seq, c.at, c.units, c.events, c.h FROM c WHERE c.kind = 'block' AND c.seq > @after ORDER BY c.seq")
            .WithParameter("@after", upTo);
        var tail = new List<UsageBlockSummary>();
        using (var iterator = container.GetItemQueryIterator<UsageBlockSummary>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey), EnableOptimisticDirectExecution = true }))
        {
            while (iterator.HasMoreResults)
            {
                tail.AddRange(await store.Retry.ExecuteAsync("read usage blocks", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
            }
        }

        var (units, events) = (checkpoint?.Units ?? 0, checkpoint?.Events ?? 0);
        var hours = new Dictionary<string, long[]>(checkpoint?.Hours ?? [], StringComparer.Ordinal);
        foreach (var block in tail)
        {
            units = checked(units + block.Units);
            events += block.Events;
            UsageHours.Add(hours, block.Hours);
        }

        if (tail.Count >= CheckpointAfterBlocks)
        {
            // Only blocks older than the settle window: a younger one may still be voided by the commit that wrote it.
            var settledBefore = Arrival(store.Time.GetUtcNow() - store.Options.UsageSettleAfter);
            var moved = await TryAdvanceAsync(container, partitionKey, checkpoint, tail.TakeWhile(b => b.Arrival < settledBefore), cancellationToken).ConfigureAwait(false);
            if (moved is not null)
            {
                (checkpoint, tail) = (moved, [.. tail.Where(b => b.Sequence > moved.UpTo)]);
            }
        }

        return new ShardTotals(tail.Count > 0 ? tail[^1].Sequence : checkpoint?.UpTo ?? 0, units, events, hours, checkpoint, tail);
    }

    /// <summary>A shard's blocks in chain order, a page at a time.</summary>
    public async IAsyncEnumerable<UsageBlockDocument> BlocksAsync(string partitionKey, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = 'block' ORDER BY c.seq");
        using var iterator = container.GetItemQueryIterator<UsageBlockDocument>(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(partitionKey),
            MaxItemCount = pageSize,
            EnableOptimisticDirectExecution = true,
        });
        while (iterator.HasMoreResults)
        {
            foreach (var block in await store.Retry.ExecuteAsync("read usage blocks", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false))
            {
                yield return block;
            }
        }
    }

    /// <summary>
    /// Moves a shard's checkpoint on over <paramref name="blocks"/> (final blocks, in chain order, the first one right
    /// after <paramref name="checkpoint"/>'s): one attempt, no retries, If-Match so it only ever moves forward. Returns
    /// the checkpoint as stored, or null when nothing moved (nothing to add, another writer moved it first, the store
    /// is busy): the checkpoint is a saving, never needed.
    /// </summary>
    public async Task<UsageCheckpointDocument?> TryAdvanceAsync(
        Container container, string partitionKey, UsageCheckpointDocument? checkpoint, IEnumerable<UsageBlockSummary> blocks, CancellationToken cancellationToken)
    {
        var current = checkpoint ?? new UsageCheckpointDocument { PartitionKey = partitionKey };
        var hours = new Dictionary<string, long[]>(current.Hours, StringComparer.Ordinal);
        var (upTo, units, events) = (current.UpTo, current.Units, current.Events);
        foreach (var block in blocks)
        {
            if (block.Sequence != upTo + 1)
            {
                break;
            }

            (upTo, units, events) = (block.Sequence, checked(units + block.Units), events + block.Events);
            UsageHours.Add(hours, block.Hours);
        }

        if (upTo == current.UpTo)
        {
            return null;
        }

        var next = current with { UpTo = upTo, Units = units, Events = events, Hours = hours, ETag = null };
        try
        {
            var response = checkpoint?.ETag is { } etag
                ? await container.ReplaceItemAsync(next, next.Id, new PartitionKey(partitionKey), new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken).ConfigureAwait(false)
                : await container.CreateItemAsync(next, new PartitionKey(partitionKey), cancellationToken: cancellationToken).ConfigureAwait(false);
            return next with { ETag = response.ETag };
        }
        catch (CosmosException)
        {
            return null; // another writer moved it first (409 / 412), or the store is busy: the next one tries again
        }
    }

    /// <summary>A shard's checkpoint as stored now, or null when it has none.</summary>
    public async Task<UsageCheckpointDocument?> CheckpointAsync(Container container, string partitionKey, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.Retry.ExecuteAsync("read usage checkpoint", ct => container.ReadItemAsync<UsageCheckpointDocument>(
                UsageCheckpointDocument.DocumentId, new PartitionKey(partitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false)).Resource;
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Microseconds since the Unix epoch: how blocks record their time of arrival.</summary>
    public static long Arrival(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private int Remember(string contractId, string period, int shards)
    {
        if (layouts.Count >= LayoutsCached)
        {
            layouts.Clear();
        }

        layouts[(contractId, period)] = shards;
        return shards;
    }
}

/// <summary>
/// A shard's (or a period's) sums; <see cref="Head"/> is the shard's last block number, <see cref="Checkpoint"/> and
/// <see cref="Tail"/> (a shard's only) what they were read from: its checkpoint and the blocks after it.
/// </summary>
internal sealed record ShardTotals(
    long Head, long Units, long Events, Dictionary<string, long[]> Hours,
    UsageCheckpointDocument? Checkpoint = null, IReadOnlyList<UsageBlockSummary>? Tail = null);
