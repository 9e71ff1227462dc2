using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Records;

/// <summary>
/// Writes one staging revision; not safe for concurrent use (one uploader owns a revision). Order of writes:
/// a new bucket is added to the revision header before its first record is written; records are upserted
/// (idempotent, so a retried batch is harmless) while the header says "staging", which hides them; the commit
/// is a single conditional replace of the header. A failure at any point leaves nothing visible.
/// Up to <see cref="CosmosStoreOptions.RecordBatchesInFlight"/> batches are written at once (consecutive batches
/// fill different buckets, so different partitions): an append returns once its batch is under way and waits only
/// when that many are; a batch that failed fails the next append or the commit, which waits for every batch first.
/// </summary>
internal sealed class CosmosRevisionWriter(
    CosmosStore store, Container container, RevisionDocument header, string etag, CosmosRecordStore owner, Action onFinished) : IRevisionWriter
{
    private const long MaxExactSequence = 1L << 53;

    private enum State { Open, Committed, Aborted }

    private State state;
    private long count;
    private long lastSequence = long.MinValue;
    private readonly Queue<Task> inFlight = new();

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
        if (inFlight.FirstOrDefault(write => write.IsFaulted || write.IsCanceled) is { } failed)
        {
            await failed.ConfigureAwait(false); // an earlier batch failed: so does the upload
        }

        var perPartition = header.RecordsPerPartition;
        var buckets = header.Buckets.Union(batch.Select(r => CosmosRecordStore.Bucket(r.Sequence, perPartition))).Order().ToArray();
        if (buckets.Length != header.Buckets.Length || store.Time.GetUtcNow() - header.Touched >= store.Options.StagingRevisionLease / 3)
        {
            // Written ahead of the records, so an abort or a discard knows every partition to clean; also renews the lease.
            await SaveHeaderAsync(RevisionDocument.Staging, buckets, cancellationToken).ConfigureAwait(false);
        }

        RecordDocument[] documents = [.. batch.Select(record => new RecordDocument
        {
            Id = record.Sequence.ToString(CultureInfo.InvariantCulture),
            PartitionKey = RecordDocument.PartitionKeyFor(header.RevisionId, CosmosRecordStore.Bucket(record.Sequence, perPartition)),
            Attempt = header.Attempt,
            Sequence = record.Sequence,
            SubjectId = record.SubjectId,
            Json = record.Json,
            Fields = RecordFields.Of(record.Json),
        })];
        inFlight.Enqueue(WriteAsync(documents, cancellationToken));
        count += batch.Count;
        lastSequence = previous;
        while (inFlight.Count >= Math.Max(1, store.Options.RecordBatchesInFlight))
        {
            await inFlight.Dequeue().ConfigureAwait(false);
        }
    }

    /// <summary>One batch's upserts, its share of <see cref="CosmosStoreOptions.WriteConcurrency"/> at a time.</summary>
    private async Task WriteAsync(RecordDocument[] documents, CancellationToken cancellationToken)
    {
        var parallelism = owner.Parallelism(cancellationToken);
        parallelism.MaxDegreeOfParallelism = Math.Max(1, parallelism.MaxDegreeOfParallelism / Math.Max(1, store.Options.RecordBatchesInFlight));
        await Parallel.ForEachAsync(documents, parallelism, async (document, ct) =>
            await store.Retry.ExecuteAsync("append record", token => container.UpsertItemAsync(
                document, new PartitionKey(document.PartitionKey), cancellationToken: token), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Waits for every batch under way; the first failure is thrown unless <paramref name="ignoreFailures"/>.</summary>
    private async Task DrainAsync(bool ignoreFailures)
    {
        while (inFlight.TryDequeue(out var write))
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (Exception) when (ignoreFailures)
            {
            }
        }
    }

    public async Task<long> CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        await DrainAsync(ignoreFailures: false).ConfigureAwait(false);
        await SaveHeaderAsync(RevisionDocument.Committed, header.Buckets, cancellationToken).ConfigureAwait(false);
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

        // No batch may land after the deletes: wait for those under way (their failures are why we abort).
        await DrainAsync(ignoreFailures: true).ConfigureAwait(false);
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

    private async Task SaveHeaderAsync(string status, long[] buckets, CancellationToken cancellationToken)
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
    }

    private void Finish(State final)
    {
        state = final;
        onFinished();
    }
}
