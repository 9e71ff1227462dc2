using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Records;

/// <summary>
/// Dataset revision records, one document each, spread over logical partitions of
/// <see cref="CosmosStoreOptions.RecordsPerPartition"/> consecutive sequences (see DESIGN.md). A page is read
/// from one partition at a time in sequence order and continues into the revision's next partition. Records
/// become visible by one status flip on the revision document, so a reader never sees a partial upload.
/// </summary>
public sealed class CosmosRecordStore(CosmosStore store) : IRecordStore
{
    private const int MaxRemembered = 10_000;

    // Committed revisions never change again, so their header is read once per process.
    private readonly ConcurrentDictionary<string, RevisionDocument> committed = new(StringComparer.Ordinal);

    // Revisions with a live writer in this process: a discard running meanwhile must not pull them away.
    private readonly ConcurrentDictionary<string, byte> writing = new(StringComparer.Ordinal);

    private readonly RecordPageCache pages = new(store.Options, store.Time);

    /// <summary>Bytes of record pages cached in this process (tests, diagnostics).</summary>
    internal long CachedPageBytes => pages.Bytes;

    public async Task<IRevisionWriter> BeginRevisionAsync(string datasetId, string revisionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetId);
        ArgumentException.ThrowIfNullOrEmpty(revisionId);
        if (!writing.TryAdd(revisionId, 0))
        {
            throw new InvalidOperationException($"Revision '{revisionId}' is already being written.");
        }

        try
        {
            var container = await store.ContainerAsync(CosmosStore.RecordsContainer, cancellationToken).ConfigureAwait(false);
            var header = new RevisionDocument
            {
                PartitionKey = RevisionDocument.PartitionKeyFor(revisionId),
                RevisionId = revisionId,
                DatasetId = datasetId,
                Status = RevisionDocument.Staging,
                Attempt = Guid.NewGuid().ToString("N"),
                RecordsPerPartition = Math.Max(1, store.Options.RecordsPerPartition),
                Buckets = [],
                TouchedAt = RevisionDocument.Stamp(store.Time.GetUtcNow()),
                WriteToken = Guid.NewGuid().ToString("N"),
            };
            string etag;
            try
            {
                var created = await store.Retry.ExecuteAsync("begin revision", ct => container.CreateItemAsync(
                    header, new PartitionKey(header.PartitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
                etag = created.ETag;
            }
            catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
            {
                var existing = await ReadHeaderAsync(container, revisionId, cancellationToken).ConfigureAwait(false);
                if (existing?.WriteToken != header.WriteToken)
                {
                    throw new InvalidOperationException($"Revision '{revisionId}' already exists ({existing?.Status ?? "removed meanwhile"}).");
                }

                etag = existing.ETag!;
            }

            return new CosmosRevisionWriter(store, container, header, etag, this, () => writing.TryRemove(revisionId, out _));
        }
        catch
        {
            writing.TryRemove(revisionId, out _);
            throw;
        }
    }

    /// <summary>
    /// Deletes the person's record documents in every bucket the revision's header lists (whatever attempt wrote them):
    /// one indexed query per bucket for their ids, then point deletes. Each record disappears whole, and a page walks by
    /// sequence, so readers and cursors step over the gaps; the header is unchanged (so cached headers stay right).
    /// </summary>
    public async Task<long> RedactSubjectAsync(string revisionId, string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(revisionId);
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var container = await store.ContainerAsync(CosmosStore.RecordsContainer, cancellationToken).ConfigureAwait(false);
        var header = await ReadHeaderAsync(container, revisionId, cancellationToken).ConfigureAwait(false);
        if (header is null)
        {
            return 0;
        }

        long removed = 0;
        foreach (var bucket in BucketRuns.All(header.Buckets))
        {
            var partitionKey = new PartitionKey(RecordDocument.PartitionKeyFor(revisionId, bucket));
            var ids = new List<string>();
            var query = new QueryDefinition("SELECT c.id FROM c WHERE c.sub = @subject").WithParameter("@subject", subjectId);
            using (var iterator = container.GetItemQueryIterator<IdRow>(
                query, requestOptions: new QueryRequestOptions { PartitionKey = partitionKey, MaxItemCount = 1_000, EnableOptimisticDirectExecution = true }))
            {
                while (iterator.HasMoreResults)
                {
                    ids.AddRange((await store.Retry.ExecuteAsync("find a subject's records", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false)).Select(r => r.Id));
                }
            }

            await Parallel.ForEachAsync(ids, Parallelism(cancellationToken), async (id, ct) =>
            {
                // 404: already gone (a concurrent or earlier redaction, or this delete's own first attempt): not counted again.
                var deleted = await store.Retry.ExecuteAsync("redact record", async token =>
                {
                    using var response = await container.DeleteItemStreamAsync(id, partitionKey, cancellationToken: token).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        return false;
                    }
                    response.EnsureSuccessStatusCode();
                    return true;
                }, ct).ConfigureAwait(false);
                if (deleted)
                {
                    Interlocked.Increment(ref removed);
                }
            }).ConfigureAwait(false);
        }

        pages.Forget(revisionId);
        return removed;
    }

    public async Task<RecordPage> ReadPageAsync(string revisionId, long afterSequence, int limit, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
    {
        PortArguments.CheckPageRead(revisionId, limit, filters);

        var container = await store.ContainerAsync(CosmosStore.RecordsContainer, cancellationToken).ConfigureAwait(false);
        var revision = await CommittedAsync(container, revisionId, cancellationToken).ConfigureAwait(false);
        if (revision is null || afterSequence == long.MaxValue)
        {
            return new RecordPage([], null);
        }

        var key = RecordPageCache.PageKey.For(revision, afterSequence, limit, filters);
        if (pages.TryGet(key, out var cached))
        {
            return cached;
        }

        var page = await ReadUncachedPageAsync(container, revision, afterSequence, limit, filters, cancellationToken).ConfigureAwait(false);
        pages.Add(key, page);
        return page;
    }

    private async Task<RecordPage> ReadUncachedPageAsync(
        Container container, RevisionDocument revision, long afterSequence, int limit, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken)
    {
        var maxRows = Math.Max(1, store.Options.MaxRowsScannedPerRead);
        if (filters.Count == 0)
        {
            // Every record examined is returned (plus one to look ahead), so the page size alone bounds the scan.
            var take = Math.Min(limit, maxRows);
            var records = await ReadRangeAsync(container, revision, afterSequence, long.MaxValue, take == int.MaxValue ? take : take + 1, filters, cancellationToken).ConfigureAwait(false);
            return new RecordScan(afterSequence, long.MaxValue).Page(records, take, anyBeyond: false);
        }

        var scan = RecordScan.From(afterSequence, maxRows);
        // One row past the limit tells whether another match follows.
        var matches = await ReadRangeAsync(container, revision, scan.After, scan.Until, limit == int.MaxValue ? limit : limit + 1, filters, cancellationToken).ConfigureAwait(false);
        var anyBeyond = matches.Count <= limit && !scan.ReachesEnd
            && (await ReadRangeAsync(container, revision, scan.Until, long.MaxValue, 1, [], cancellationToken).ConfigureAwait(false)).Count > 0;
        return scan.Page(matches, limit, anyBeyond);
    }

    /// <summary>Up to <paramref name="wanted"/> records with after &lt; sequence &lt;= until, bucket by bucket in sequence order.</summary>
    private async Task<List<StoredRecord>> ReadRangeAsync(
        Container container, RevisionDocument revision, long after, long until, int wanted, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken)
    {
        var records = new List<StoredRecord>(Math.Min(wanted, 1_024));
        if (after == long.MaxValue)
        {
            return records;
        }

        var firstBucket = Bucket(after + 1, revision.RecordsPerPartition);
        var lastBucket = Bucket(until, revision.RecordsPerPartition);
        foreach (var bucket in BucketRuns.Within(revision.Buckets, firstBucket, lastBucket))
        {
            var options = new QueryRequestOptions
            {
                PartitionKey = new PartitionKey(RecordDocument.PartitionKeyFor(revision.RevisionId, bucket)),
                MaxItemCount = wanted - records.Count,
                // A single-partition query needs no query plan: skip the extra round trip for one.
                EnableOptimisticDirectExecution = true,
            };
            using var iterator = container.GetItemQueryIterator<RecordRow>(
                PageQuery(revision.Attempt, after, until, wanted - records.Count, filters), requestOptions: options);
            while (records.Count < wanted && iterator.HasMoreResults)
            {
                var rows = await store.Retry.ExecuteAsync("read record page", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false);
                foreach (var row in rows)
                {
                    records.Add(new StoredRecord(row.Sequence, row.SubjectId, row.Json));
                    if (records.Count == wanted)
                    {
                        break;
                    }
                }
            }

            if (records.Count == wanted)
            {
                break;
            }
        }

        return records;
    }

    public async Task<int> DiscardAbandonedRevisionsAsync(CancellationToken cancellationToken = default)
    {
        var container = await store.ContainerAsync(CosmosStore.RecordsContainer, cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = 'revision' AND c.status != @committed")
            .WithParameter("@committed", RevisionDocument.Committed);
        var candidates = new List<RevisionDocument>();
        using (var iterator = container.GetItemQueryIterator<RevisionDocument>(query))
        {
            while (iterator.HasMoreResults)
            {
                candidates.AddRange(await store.Retry.ExecuteAsync("find abandoned revisions", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
            }
        }

        var now = store.Time.GetUtcNow();
        var discarded = 0;
        foreach (var candidate in candidates)
        {
            // A staging revision whose lease is live may be mid-upload in another process.
            if (writing.ContainsKey(candidate.RevisionId)
                || (candidate.Status == RevisionDocument.Staging && candidate.Touched + store.Options.StagingRevisionLease > now))
            {
                continue;
            }

            // Claim it first: a writer that wakes up finds its ETag stale and cannot commit what is being removed.
            var claim = Copy(candidate, RevisionDocument.Discarding, candidate.Buckets, candidate.Count, now);
            try
            {
                await store.Retry.ExecuteAsync("claim abandoned revision", ct => container.ReplaceItemAsync(
                    claim, claim.Id, new PartitionKey(claim.PartitionKey), new ItemRequestOptions { IfMatchEtag = candidate.ETag }, ct),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (CosmosException exception) when (exception.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                continue; // touched or removed meanwhile
            }

            await DeleteRevisionAsync(container, claim, etag: null, cancellationToken).ConfigureAwait(false);
            discarded++;
        }

        return discarded;
    }

    internal void Remember(RevisionDocument committedRevision)
    {
        if (committed.Count >= MaxRemembered)
        {
            committed.Clear(); // rereading a header is one point read; memory stays bounded
        }

        committed[committedRevision.RevisionId] = committedRevision;
    }

    /// <summary>
    /// Deletes every record of every bucket the header lists (whatever attempt wrote them), then the header
    /// itself (only if still at <paramref name="etag"/> when one is given). Safe to repeat after a failure.
    /// </summary>
    internal async Task DeleteRevisionAsync(Container container, RevisionDocument header, string? etag, CancellationToken cancellationToken)
    {
        foreach (var bucket in BucketRuns.All(header.Buckets))
        {
            var partitionKey = new PartitionKey(RecordDocument.PartitionKeyFor(header.RevisionId, bucket));
            var ids = new List<string>();
            using (var iterator = container.GetItemQueryIterator<IdRow>(
                new QueryDefinition("SELECT c.id FROM c"), requestOptions: new QueryRequestOptions { PartitionKey = partitionKey, MaxItemCount = 1_000, EnableOptimisticDirectExecution = true }))
            {
                while (iterator.HasMoreResults)
                {
                    ids.AddRange((await store.Retry.ExecuteAsync("list revision records", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false)).Select(r => r.Id));
                }
            }

            await Parallel.ForEachAsync(ids, Parallelism(cancellationToken), async (id, ct) =>
                await DeleteIgnoringMissingAsync(container, id, partitionKey, null, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await DeleteIgnoringMissingAsync(container, header.Id, new PartitionKey(header.PartitionKey), etag, cancellationToken).ConfigureAwait(false);
    }

    internal ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, store.Options.WriteConcurrency), CancellationToken = cancellationToken };

    internal static long Bucket(long sequence, long perPartition) =>
        sequence >= 0 ? sequence / perPartition : -((-(sequence + 1)) / perPartition) - 1;

    internal static RevisionDocument Copy(RevisionDocument from, string status, long[][] buckets, long count, DateTimeOffset touched) => new()
    {
        PartitionKey = from.PartitionKey,
        RevisionId = from.RevisionId,
        DatasetId = from.DatasetId,
        Status = status,
        Attempt = from.Attempt,
        RecordsPerPartition = from.RecordsPerPartition,
        Buckets = buckets,
        Count = count,
        TouchedAt = RevisionDocument.Stamp(touched),
        WriteToken = Guid.NewGuid().ToString("N"),
    };

    internal async Task<RevisionDocument?> ReadHeaderAsync(Container container, string revisionId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await store.Retry.ExecuteAsync("read revision", ct => container.ReadItemAsync<RevisionDocument>(
                RevisionDocument.DocumentId, new PartitionKey(RevisionDocument.PartitionKeyFor(revisionId)), cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
            return response.Resource;
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    // 404 is success (already gone, perhaps by our own earlier attempt); 412 means someone else changed the
    // header meanwhile (a discard claimed it) and now owns its removal.
    private Task DeleteIgnoringMissingAsync(Container container, string id, PartitionKey partitionKey, string? etag, CancellationToken cancellationToken) =>
        store.Retry.ExecuteAsync("delete", async ct =>
        {
            using var response = await container.DeleteItemStreamAsync(
                id, partitionKey, etag is null ? null : new ItemRequestOptions { IfMatchEtag = etag }, ct).ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed))
            {
                response.EnsureSuccessStatusCode();
            }
        }, cancellationToken);

    private async Task<RevisionDocument?> CommittedAsync(Container container, string revisionId, CancellationToken cancellationToken)
    {
        if (committed.TryGetValue(revisionId, out var known))
        {
            return known;
        }

        var header = await ReadHeaderAsync(container, revisionId, cancellationToken).ConfigureAwait(false);
        if (header?.Status != RevisionDocument.Committed)
        {
            return null;
        }

        Remember(header);
        return header;
    }

    // TOP makes the page the whole answer: no continuation to carry, so one round trip per partition read.
    private static QueryDefinition PageQuery(string attempt, long afterSequence, long untilSequence, int take, IReadOnlyList<FieldFilter> filters)
    {
        var sql = new StringBuilder("SELECT TOP @take c.seq, c.sub, c.j FROM c WHERE c.a = @attempt AND c.seq > @after");
        // ORDER BY both fields of the composite index (a, seq): a is one value here, so this is sequence order.
        if (untilSequence != long.MaxValue)
        {
            sql.Append(" AND c.seq <= @until");
        }

        for (var i = 0; i < filters.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND ARRAY_CONTAINS(c.t, @f{i})");
        }

        var query = new QueryDefinition(sql.Append(" ORDER BY c.a, c.seq").ToString())
            .WithParameter("@take", take)
            .WithParameter("@attempt", attempt)
            .WithParameter("@after", afterSequence);
        if (untilSequence != long.MaxValue)
        {
            query = query.WithParameter("@until", untilSequence);
        }

        for (var i = 0; i < filters.Count; i++)
        {
            // Only parameter names are spliced in; the field and value are bound.
            query = query.WithParameter($"@f{i}", RecordFields.Token(filters[i].Field, filters[i].Value));
        }

        return query;
    }
}
