using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Outbox;

/// <summary>
/// Which outbox buckets this process sweeps. Each bucket has at most one owner at a time: a lease document
/// per bucket (<c>bucket.{n}</c>), taken and renewed by a replace with If-Match (a create when it never
/// existed), for <see cref="CosmosStoreOptions.OutboxOwnershipLease"/>. Every owner also keeps a presence
/// document (<c>owner.{name}</c>, same lease), so each sees how many sweepers are alive and takes its share,
/// ⌈buckets / owners⌉: an owner over its share lets the surplus go (its lease ends at once), one under it takes
/// free or expired buckets. All of this lives in one small partition, <c>outbox/owners</c>, read by one
/// single-partition query per refresh; a refresh happens when half the lease has passed. Ownership only keeps
/// sweepers off each other's messages: each message is still leased by If-Match, so a process that lost a
/// bucket without knowing it can never deliver a message twice.
/// </summary>
internal sealed class OutboxOwnership(CosmosStore store, string owner)
{
    public const string PartitionKey = "outbox/owners";

    private const string Everything = "SELECT * FROM c";

    private readonly Dictionary<int, OwnerDocument> mine = [];
    private DateTimeOffset refreshAt = DateTimeOffset.MinValue;

    public string Owner { get; } = owner;

    /// <summary>The buckets this process owned at its last refresh (tests, diagnostics).</summary>
    public IReadOnlyCollection<int> Owned => [.. mine.Keys.Order()];

    /// <summary>The buckets to sweep at <paramref name="now"/>, refreshed when due. Callers serialise calls.</summary>
    public async Task<IReadOnlyList<int>> BucketsAsync(Container outbox, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now >= refreshAt || mine.Values.Any(d => Parse(d.Until) <= now))
        {
            await RefreshAsync(outbox, now, cancellationToken).ConfigureAwait(false);
        }

        return [.. mine.Keys.Order()];
    }

    public async Task RefreshAsync(Container outbox, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lease = store.Options.OutboxOwnershipLease;
        var until = OutboxDocument.Stamp(now + lease);
        var partition = new Microsoft.Azure.Cosmos.PartitionKey(PartitionKey);
        var presence = new OwnerDocument { Id = "owner." + DocumentIds.For("", Owner), PartitionKey = PartitionKey, Type = "owner", Owner = Owner, Until = until };
        await store.Retry.ExecuteAsync("announce outbox owner", ct => outbox.UpsertItemAsync(presence, partition, cancellationToken: ct), cancellationToken)
            .ConfigureAwait(false);

        var documents = new List<OwnerDocument>();
        using (var iterator = outbox.GetItemQueryIterator<OwnerDocument>(Everything, requestOptions: new QueryRequestOptions
        {
            PartitionKey = partition,
            EnableOptimisticDirectExecution = true,
        }))
        {
            while (iterator.HasMoreResults)
            {
                documents.AddRange(await store.Retry.ExecuteAsync("read outbox owners", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
            }
        }

        var live = documents.Count(d => d.Type == "owner" && d.Owner != Owner && Parse(d.Until) > now) + 1;
        var share = (OutboxDocument.Buckets + live - 1) / live;
        var buckets = documents.Where(d => d.Type == "bucket").ToDictionary(d => d.Bucket);
        mine.Clear();

        // Keep (renew) what is ours up to the share, then take free buckets, starting at a place of our own so
        // that owners arriving together do not all reach for bucket 0.
        var start = (int)(StableHash(Owner) % OutboxDocument.Buckets);
        var order = Enumerable.Range(0, OutboxDocument.Buckets).Select(i => (start + i) % OutboxDocument.Buckets).ToList();
        var ours = order.Where(b => buckets.TryGetValue(b, out var d) && d.Owner == Owner && Parse(d.Until) > now).ToList();
        var free = order.Where(b => !buckets.TryGetValue(b, out var d) || Parse(d.Until) <= now).ToList();
        foreach (var bucket in ours.Take(share))
        {
            await TryTakeAsync(outbox, bucket, buckets[bucket], until, cancellationToken).ConfigureAwait(false);
        }

        foreach (var bucket in ours.Skip(share))
        {
            // Over our share: end the lease now, so the owner under its share takes it at its next refresh.
            await TryTakeAsync(outbox, bucket, buckets[bucket], OutboxDocument.Stamp(now), cancellationToken, keep: false).ConfigureAwait(false);
        }

        foreach (var bucket in free)
        {
            if (mine.Count >= share)
            {
                break;
            }

            await TryTakeAsync(outbox, bucket, buckets.GetValueOrDefault(bucket), until, cancellationToken).ConfigureAwait(false);
        }

        // Look again at half the lease, or as soon as another owner's lease could end unrenewed.
        refreshAt = documents.Where(d => d.Owner != Owner).Select(d => Parse(d.Until)).Where(at => at > now)
            .Append(now + (lease / 2)).Min();
    }

    private async Task TryTakeAsync(Container outbox, int bucket, OwnerDocument? current, string until, CancellationToken cancellationToken, bool keep = true)
    {
        var next = new OwnerDocument
        {
            Id = "bucket." + bucket.ToString(CultureInfo.InvariantCulture),
            PartitionKey = PartitionKey,
            Type = "bucket",
            Bucket = bucket,
            Owner = Owner,
            Until = until,
        };
        try
        {
            var response = await store.Retry.ExecuteAsync("take outbox bucket", ct => current?.ETag is { } etag
                ? outbox.ReplaceItemAsync(next, next.Id, new Microsoft.Azure.Cosmos.PartitionKey(PartitionKey), new ItemRequestOptions { IfMatchEtag = etag }, ct)
                : outbox.CreateItemAsync(next, new Microsoft.Azure.Cosmos.PartitionKey(PartitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            if (keep)
            {
                mine[bucket] = next with { ETag = response.ETag };
            }
        }
        catch (CosmosException exception) when (exception.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Another owner took or renewed it first (after a retry this may have been our own landed write:
            // then we own a bucket we do not sweep until the next refresh, which is harmless).
        }
    }

    private static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static uint StableHash(string text)
    {
        var hash = 2166136261;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }

    internal sealed record OwnerDocument
    {
        [JsonPropertyName("id")] public required string Id { get; init; }

        [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

        /// <summary>"bucket" (a bucket's lease) or "owner" (a sweeper's presence).</summary>
        [JsonPropertyName("type")] public required string Type { get; init; }

        [JsonPropertyName("bucket")] public int Bucket { get; init; }

        [JsonPropertyName("owner")] public required string Owner { get; init; }

        [JsonPropertyName("until")] public required string Until { get; init; }

        [JsonPropertyName("_etag")] public string? ETag { get; init; }
    }
}
