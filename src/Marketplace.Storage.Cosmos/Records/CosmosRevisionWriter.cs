using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Records;

/// <summary>
/// Writes one staging revision; not safe for concurrent use (one uploader owns a revision). Order of writes:
/// a new bucket is added to the revision header before its first record is written (with a few buckets ahead, so
/// most batches need no header write); records are upserted (idempotent, so a retried batch is harmless) while the
/// header says "staging", which hides them; the commit is a single conditional replace of the header, after every
/// record write has ended. A failure at any point leaves nothing visible.
/// </summary>
/// <remarks>
/// Up to <see cref="CosmosStoreOptions.UploadBatchesInFlight"/> batches are written at once: an append returns as soon
/// as its batch is handed over and fewer than that many are unfinished, so with buckets no larger than a batch the
/// writes spread over as many logical partitions (each has its own 10,000 RU/s). A batch that failed is reported by
/// the next append or by the commit.
/// </remarks>
internal sealed class CosmosRevisionWriter(
    CosmosStore store, Container container, RevisionDocument header, string etag, CosmosRecordStore owner, Action onFinished) : IRevisionWriter
{
    private const long MaxExactSequence = 1L << 53;

    /// <summary>Buckets listed ahead of the one a batch needs, so the header is written once per this many buckets.</summary>
    private const long BucketsAhead = 16;

    private enum State { Open, Committed, Aborted }

    private readonly Queue<Task> writes = new();
    private Exception? failure;
    private State state;
    private long count;
    private long lastSequence = long.MinValue;

    /// <summary>The buckets records were actually written to (the header lists these and some ahead until the commit).</summary>
    private long[][] written = [];

    public async Task AppendAsync(IReadOnlyList<StoredRecord> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureOpen();
        if (batch.Count == 0)
        {
            return;
        }

        // Cosmos compares numbers as doubles: beyond ±2^53 sequences would collide.
        var previous = PortArguments.CheckBatchSequences(batch, lastSequence, MaxExactSequence);

        var perPartition = header.RecordsPerPartition;
        var firstBucket = CosmosRecordStore.Bucket(batch[0].Sequence, perPartition);
        var lastBucket = CosmosRecordStore.Bucket(batch[^1].Sequence, perPartition);
        var needed = written;
        foreach (var bucket in batch.Select(r => CosmosRecordStore.Bucket(r.Sequence, perPartition)).Distinct())
        {
            needed = BucketRuns.Covers(needed, bucket, bucket) ? needed : BucketRuns.With(needed, bucket, bucket);
        }
        if (!BucketRuns.Covers(header.Buckets, firstBucket, lastBucket) || store.Time.GetUtcNow() - header.Touched >= store.Options.StagingRevisionLease / 3)
        {
            // Written ahead of the records, so an abort or a discard knows every partition to clean; also renews the lease.
            var ahead = BucketRuns.With(header.Buckets, firstBucket, lastBucket > long.MaxValue - BucketsAhead ? long.MaxValue : lastBucket + BucketsAhead);
            await SaveHeaderAsync(RevisionDocument.Staging, ahead, cancellationToken).ConfigureAwait(false);
        }

        // The documents are made now: the caller may reuse its batch once this returns.
        var documents = batch.Select(record => new RecordDocument
        {
            Id = record.Sequence.ToString(CultureInfo.InvariantCulture),
            PartitionKey = RecordDocument.PartitionKeyFor(header.RevisionId, CosmosRecordStore.Bucket(record.Sequence, perPartition)),
            Attempt = header.Attempt,
            Sequence = record.Sequence,
            SubjectId = record.SubjectId,
            Json = record.Json,
            Fields = RecordFields.Of(record.Json),
        }).ToArray();
        written = needed;
        count += batch.Count;
        lastSequence = previous;
        writes.Enqueue(WriteAsync(documents, cancellationToken));
        while (writes.Count >= Math.Max(1, store.Options.UploadBatchesInFlight))
        {
            await writes.Dequeue().ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(RecordDocument[] documents, CancellationToken cancellationToken)
    {
        // The writer's concurrency is shared by its batches in flight.
        var parallelism = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, store.Options.WriteConcurrency / Math.Max(1, store.Options.UploadBatchesInFlight)),
            CancellationToken = cancellationToken,
        };
        try
        {
            await Parallel.ForEachAsync(documents, parallelism, async (document, ct) =>
                await store.Retry.ExecuteAsync("append record", token => container.UpsertItemAsync(
                    document, new PartitionKey(document.PartitionKey), cancellationToken: token), ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Kept, so no later append or commit can pass over a batch that is missing.
            Interlocked.CompareExchange(ref failure, exception, null);
            throw;
        }
    }

    /// <summary>Waits for every batch in flight; throws a failure among them unless told to let it be.</summary>
    private async Task DrainAsync(bool throwFailure)
    {
        var all = Task.WhenAll(writes);
        writes.Clear();
        await all.ConfigureAwait(throwFailure ? ConfigureAwaitOptions.None : ConfigureAwaitOptions.SuppressThrowing);
    }

    public async Task<long> CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        await DrainAsync(throwFailure: true).ConfigureAwait(false);
        // Exactly the buckets written: a reader never queries the empty ones listed ahead.
        await SaveHeaderAsync(RevisionDocument.Committed, written, cancellationToken).ConfigureAwait(false);
        owner.Remember(header);
        Finish(State.Committed);
        return count;
    }

    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        if (state != State.Open)
        {
            return;
        }

        // Every write in flight ends first, so none lands after its partition was cleaned.
        await DrainAsync(throwFailure: false).ConfigureAwait(false);
        await owner.DeleteRevisionAsync(container, header, etag, cancellationToken).ConfigureAwait(false);
        Finish(State.Aborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (state != State.Open)
        {
            return;
        }

        try
        {
            await AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is StoreUnavailableException or CosmosException)
        {
            // Disposal must not mask the exception that got us here; the staging records stay invisible and
            // are removed by DiscardAbandonedRevisionsAsync once the lease has run out.
            Finish(State.Aborted);
        }
    }

    private async Task SaveHeaderAsync(string status, long[][] buckets, CancellationToken cancellationToken)
    {
        var next = CosmosRecordStore.Copy(header, status, buckets, count, store.Time.GetUtcNow());
        try
        {
            var response = await store.Retry.ExecuteAsync("save revision", ct => container.ReplaceItemAsync(
                next, next.Id, new PartitionKey(next.PartitionKey), new ItemRequestOptions { IfMatchEtag = etag }, ct),
                cancellationToken).ConfigureAwait(false);
            etag = response.ETag;
        }
        catch (CosmosException exception) when (exception.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            var stored = await owner.ReadHeaderAsync(container, header.RevisionId, cancellationToken).ConfigureAwait(false);
            if (stored?.WriteToken != next.WriteToken)
            {
                throw new InvalidOperationException($"Revision '{header.RevisionId}' is no longer staged; it was discarded.", exception);
            }

            // Our own earlier attempt landed; its answer was lost on the way back.
            etag = stored.ETag!;
        }

        header = next;
    }

    private void EnsureOpen()
    {
        if (state != State.Open)
        {
            throw new InvalidOperationException($"Revision '{header.RevisionId}' is already {state.ToString().ToLowerInvariant()}.");
        }

        if (Volatile.Read(ref failure) is { } failed)
        {
            throw new InvalidOperationException($"A batch of revision '{header.RevisionId}' was not written; abort the revision and upload it again.", failed);
        }
    }

    private void Finish(State final)
    {
        state = final;
        onFinished();
    }
}
