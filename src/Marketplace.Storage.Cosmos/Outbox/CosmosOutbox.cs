using System.Collections.Concurrent;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Outbox;

/// <summary>
/// The outbox on Cosmos: one document per message in the <c>outbox</c> container, spread over
/// <see cref="OutboxDocument.Buckets"/> logical partitions. Enqueue is a create (409 = already there). A claim
/// queries the due messages across partitions, oldest due first, and leases each by a replace conditional on
/// the ETag the query returned: a 412 means another sweeper got there first, so the message is skipped.
/// Settling is a replace conditional on the ETag of the claim, after checking the lease token.
/// </summary>
public sealed class CosmosOutbox(CosmosStore store) : IOutbox
{

    // One bucket (one partition) at a time, served by the composite index (status, dueAt).
    private const string DueQuery = """
        SELECT TOP @max * FROM c
        WHERE c.status = 'pending' AND c.dueAt <= @now AND (c.leaseUntil = null OR c.leaseUntil <= @now)
        ORDER BY c.status, c.dueAt
        """;

    private const string DueOfKindQuery = """
        SELECT TOP @max * FROM c
        WHERE c.status = 'pending' AND c.kind = @kind AND c.dueAt <= @now AND (c.leaseUntil = null OR c.leaseUntil <= @now)
        ORDER BY c.status, c.dueAt
        """;

    // Where the service's TTL is not there (the local server): done messages past their retention, a bucket at a time.
    private const string ExpiredQuery = "SELECT TOP 100 c.id FROM c WHERE c.status = 'done' AND c.completedAt < @cutoff";

    private const string StatusQuery = "SELECT TOP @max * FROM c WHERE c.status = @status ORDER BY c.status, c.createdAt";


    // The documents as this process claimed them (with their ETags), so that settling is one replace, not a
    // read and a replace. Only a shortcut: an entry that is missing or stale costs a read.
    private readonly ConcurrentDictionary<(string LeaseToken, string MessageId), HeldClaim> held = new();

    // Claims in this process take turns (they would only race for the same messages), so ownership and the
    // expiry sweep are never run twice at once either.
    private readonly SemaphoreSlim claimGate = new(1, 1);

    private readonly OutboxOwnership ownership = new(store, store.Options.OutboxOwner ?? $"{Environment.MachineName}/{Environment.ProcessId}");

    private DateTimeOffset sweepAt = DateTimeOffset.MinValue;

    private int claimAttempts;

    private int claimsLost;

    /// <summary>Leases this process tried to take on messages (tests: contention).</summary>
    internal int ClaimAttempts => claimAttempts;

    /// <summary>Message leases this process lost to another sweeper (a 412).</summary>
    internal int ClaimsLost => claimsLost;

    /// <summary>The buckets this process owned at its last ownership refresh.</summary>
    internal IReadOnlyCollection<int> OwnedBuckets => ownership.Owned;

    /// <summary>Tests: refreshes the ownership of buckets as a claim at <paramref name="now"/> would when due.</summary>
    internal async Task RefreshOwnershipAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var outbox = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        await claimGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ownership.RefreshAsync(outbox, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            claimGate.Release();
        }
    }


    /// <summary>Creates the outbox container (and the database) if missing. Safe to call any number of times.</summary>

    public async Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        PortArguments.CheckOutboxMessage(message);
        var outbox = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var document = OutboxDocument.From(message);
        var sent = 0;
        try
        {
            await store.Retry.ExecuteAsync("enqueue outbox message", ct =>
            {
                sent++;
                return outbox.CreateItemAsync(document, new PartitionKey(document.PartitionKey), cancellationToken: ct);
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
        {
            // Already there, unless an earlier attempt of ours landed and only its answer was lost.
            return sent > 1 && (await ReadAsync(outbox, document.Id, document.PartitionKey, cancellationToken).ConfigureAwait(false))?.WriteToken == document.WriteToken;
        }
    }

    /// <remarks>
    /// If the claim cannot finish (the store stays unavailable, or the caller cancels), the leases it already
    /// took are freed again before the exception surfaces, so nothing is left claimed by a caller who never got
    /// the claims. Freeing is best effort: a lease it cannot free ends by itself.
    /// </remarks>
    public async Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan leaseFor, string? kind = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseFor, TimeSpan.Zero);
        var outbox = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var token = OutboxDocument.NewToken();
        var leaseUntil = now + leaseFor;
        ForgetEndedLeases(now);

        await claimGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<OutboxDocument>();
        var unanswered = new List<OutboxDocument>();
        try
        {
            var buckets = await ownership.BucketsAsync(outbox, now, cancellationToken).ConfigureAwait(false);
            await SweepExpiredAsync(outbox, buckets, now, cancellationToken).ConfigureAwait(false);

            // The oldest due of every owned bucket, each one single-partition query, merged oldest due first.
            var query = kind is null
                ? new QueryDefinition(DueQuery).WithParameter("@max", max).WithParameter("@now", OutboxDocument.Stamp(now))
                : new QueryDefinition(DueOfKindQuery).WithParameter("@max", max).WithParameter("@now", OutboxDocument.Stamp(now)).WithParameter("@kind", kind);
            var perBucket = await Task.WhenAll(buckets.Select(bucket => DueInAsync(outbox, query, bucket, max, cancellationToken))).ConfigureAwait(false);
            var candidates = perBucket.SelectMany(d => d).OrderBy(d => d.DueAt, StringComparer.Ordinal).ToList();

            // Lease as many as are still wanted in parallel; one lost (only to a sweeper that does not know it
            // lost the bucket) is made up from the rest.
            for (var next = 0; claimed.Count < max && next < candidates.Count;)
            {
                var batch = candidates.GetRange(next, Math.Min(max - claimed.Count, candidates.Count - next));
                next += batch.Count;
                var attempts = batch.Select(candidate => TryClaimAsync(outbox, candidate, token, leaseUntil, cancellationToken)).ToArray();
                try
                {
                    await Task.WhenAll(attempts).ConfigureAwait(false);
                }
                finally
                {
                    for (var i = 0; i < attempts.Length; i++)
                    {
                        if (!attempts[i].IsCompletedSuccessfully)
                        {
                            unanswered.Add(batch[i]);
                        }
                        else if (attempts[i].Result is { } won)
                        {
                            claimed.Add(won);
                        }
                    }
                }
            }
        }
        catch
        {
            await ReleaseAsync(outbox, claimed, unanswered, token).ConfigureAwait(false);
            throw;
        }
        finally
        {
            claimGate.Release();
        }

        foreach (var document in claimed)
        {
            held[(token, document.MessageId)] = new HeldClaim(document, leaseUntil);
        }

        return [.. claimed.OrderBy(d => d.DueAt, StringComparer.Ordinal).Select(d => new OutboxClaim(d.ToMessage(), token, leaseUntil))];
    }

    public Task<bool> CompleteAsync(OutboxClaim claim, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var completedAt = OutboxDocument.Stamp(now);
        return SettleAsync(claim, "complete outbox message", current => current with
        {
            Status = OutboxDocument.Done,
            CompletedAt = completedAt,
            TimeToLive = (int)Math.Ceiling(store.Options.OutboxDoneRetention.TotalSeconds),
        }, cancellationToken);
    }

    public Task<bool> RetryLaterAsync(OutboxClaim claim, DateTimeOffset dueAt, string error, bool giveUp = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(error);
        var due = OutboxDocument.Stamp(dueAt);
        return SettleAsync(claim, "retry outbox message later", current => current with
        {
            Status = giveUp ? OutboxDocument.Failed : OutboxDocument.Pending,
            Attempts = current.Attempts + 1,
            LastError = error,
            DueAt = due,
        }, cancellationToken);
    }

    public async Task<bool> DiscardAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var outbox = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var sent = 0;
        try
        {
            await store.Retry.ExecuteAsync("discard outbox message", ct =>
            {
                sent++;
                return outbox.DeleteItemAsync<OutboxDocument>(OutboxDocument.IdFor(id), new PartitionKey(OutboxDocument.PartitionKeyFor(id)), cancellationToken: ct);
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            // Gone, unless only the answer to an earlier attempt of ours was lost: then we removed it.
            return sent > 1;
        }
    }

    public async Task<OutboxMessage?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var outbox = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var document = await ReadAsync(outbox, OutboxDocument.IdFor(id), OutboxDocument.PartitionKeyFor(id), cancellationToken).ConfigureAwait(false);
        return document?.ToMessage();
    }

    /// <remarks>Messages created at the same instant come in no particular order.</remarks>
    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxStatus status, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var outbox = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition(StatusQuery)
            .WithParameter("@max", max)
            .WithParameter("@status", OutboxDocument.StatusText(status));
        var messages = new List<OutboxMessage>();
        using var iterator = outbox.GetItemQueryIterator<OutboxDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
        while (messages.Count < max && iterator.HasMoreResults)
        {
            var page = await store.Retry.ExecuteAsync("list outbox messages", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false);
            messages.AddRange(page.Select(d => d.ToMessage()));
        }

        return messages.Count > max ? messages[..max] : messages;
    }

    private async Task<OutboxDocument?> TryClaimAsync(Container outbox, OutboxDocument candidate, string token, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var leased = candidate with
        {
            LeaseToken = token,
            LeaseUntil = OutboxDocument.Stamp(leaseUntil),
            WriteToken = OutboxDocument.NewToken(),
            ETag = null,
        };
        Interlocked.Increment(ref claimAttempts);
        var etag = await ReplaceAsync(outbox, leased, candidate.ETag, "claim outbox message", cancellationToken).ConfigureAwait(false);
        if (etag is null)
        {
            Interlocked.Increment(ref claimsLost);
            return null;
        }

        return leased with { ETag = etag };
    }

    /// <summary>
    /// Applies <paramref name="settle"/> to the message if the claim's lease token is still on it and it is
    /// still pending; the lease ends either way it goes. False when the lease was lost.
    /// </summary>
    private async Task<bool> SettleAsync(OutboxClaim claim, string operation, Func<OutboxDocument, OutboxDocument> settle, CancellationToken cancellationToken)
    {
        var outbox = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var id = OutboxDocument.IdFor(claim.Message.Id);
        var partitionKey = OutboxDocument.PartitionKeyFor(claim.Message.Id);
        var current = held.TryRemove((claim.LeaseToken, claim.Message.Id), out var claimed) ? claimed.Document : null;
        while (true)
        {
            current ??= await ReadAsync(outbox, id, partitionKey, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Status != OutboxDocument.Pending || current.LeaseToken != claim.LeaseToken)
            {
                return false;
            }

            var next = settle(current) with { LeaseToken = null, LeaseUntil = null, WriteToken = OutboxDocument.NewToken(), ETag = null };
            if (await ReplaceAsync(outbox, next, current.ETag, operation, cancellationToken).ConfigureAwait(false) is not null)
            {
                return true;
            }

            // Changed since we last saw it (most likely another sweeper took the expired lease): look again.
            current = null;
        }
    }

    /// <summary>
    /// Replaces the document if it is still at <paramref name="etag"/>: the new ETag, or null when another
    /// writer changed (or removed) it first. A 412 after a retry may be our own first attempt, landed with its
    /// answer lost: the write token tells.
    /// </summary>
    private async Task<string?> ReplaceAsync(Container outbox, OutboxDocument next, string? etag, string operation, CancellationToken cancellationToken)
    {
        if (etag is null)
        {
            // Without If-Match this would overwrite whatever another sweeper wrote.
            throw new InvalidOperationException($"Outbox message '{next.MessageId}' came without an ETag; its writes must be conditional.");
        }

        var sent = 0;
        try
        {
            var response = await store.Retry.ExecuteAsync(operation, ct =>
            {
                sent++;
                return outbox.ReplaceItemAsync(next, next.Id, new PartitionKey(next.PartitionKey), new ItemRequestOptions { IfMatchEtag = etag }, ct);
            }, cancellationToken).ConfigureAwait(false);
            return response.ETag;
        }
        catch (CosmosException exception) when (exception.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            if (sent == 1)
            {
                return null;
            }

            var stored = await ReadAsync(outbox, next.Id, next.PartitionKey, cancellationToken).ConfigureAwait(false);
            return stored?.WriteToken == next.WriteToken ? stored.ETag : null;
        }
    }

    /// <summary>Frees the leases a failed claim took, including any whose write landed but went unanswered.</summary>
    private async Task ReleaseAsync(Container outbox, List<OutboxDocument> claimed, List<OutboxDocument> unanswered, string token)
    {
        var cancellationToken = CancellationToken.None;
        await Task.WhenAll(claimed.Select(Release).Concat(unanswered.Select(ReleaseIfOurs))).ConfigureAwait(false);

        async Task ReleaseIfOurs(OutboxDocument candidate)
        {
            try
            {
                var stored = await ReadAsync(outbox, candidate.Id, candidate.PartitionKey, cancellationToken).ConfigureAwait(false);
                if (stored?.LeaseToken == token)
                {
                    await Release(stored).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // Best effort: the claim's own failure is what the caller sees; the lease ends by itself.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        async Task Release(OutboxDocument document)
        {
            try
            {
                var free = document with { LeaseToken = null, LeaseUntil = null, WriteToken = OutboxDocument.NewToken(), ETag = null };
                await ReplaceAsync(outbox, free, document.ETag, "release outbox lease", cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort, as above.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private async Task<List<OutboxDocument>> DueInAsync(Container outbox, QueryDefinition query, int bucket, int max, CancellationToken cancellationToken)
    {
        var due = new List<OutboxDocument>();
        using var iterator = outbox.GetItemQueryIterator<OutboxDocument>(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(OutboxDocument.PartitionKeyOf(bucket)),
            MaxItemCount = max,
            EnableOptimisticDirectExecution = true,
        });
        while (due.Count < max && iterator.HasMoreResults)
        {
            due.AddRange(await store.Retry.ExecuteAsync("query due outbox messages", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
        }

        return due;
    }

    /// <summary>
    /// Deletes done messages older than <see cref="CosmosStoreOptions.OutboxDoneRetention"/> in the owned buckets, at
    /// most once per half ownership lease, when <see cref="CosmosStoreOptions.OutboxSweepsExpired"/> (the service
    /// expires them by TTL instead).
    /// </summary>
    private async Task SweepExpiredAsync(Container outbox, IReadOnlyList<int> buckets, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!store.Options.OutboxSweepsExpired || now < sweepAt)
        {
            return;
        }

        sweepAt = now + (store.Options.OutboxOwnershipLease / 2);
        var query = new QueryDefinition(ExpiredQuery).WithParameter("@cutoff", OutboxDocument.Stamp(now - store.Options.OutboxDoneRetention));
        foreach (var bucket in buckets)
        {
            var partitionKey = new PartitionKey(OutboxDocument.PartitionKeyOf(bucket));
            var ids = new List<string>();
            using (var iterator = outbox.GetItemQueryIterator<OutboxIdRow>(query, requestOptions: new QueryRequestOptions { PartitionKey = partitionKey, EnableOptimisticDirectExecution = true }))
            {
                while (iterator.HasMoreResults)
                {
                    ids.AddRange((await store.Retry.ExecuteAsync("find expired outbox messages", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false)).Select(r => r.Id));
                }
            }

            foreach (var id in ids)
            {
                await store.Retry.ExecuteAsync("delete expired outbox message", async ct =>
                {
                    using var response = await outbox.DeleteItemStreamAsync(id, partitionKey, cancellationToken: ct).ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.NotFound)
                    {
                        response.EnsureSuccessStatusCode();
                    }
                }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<OutboxDocument?> ReadAsync(Container outbox, string id, string partitionKey, CancellationToken cancellationToken)
    {
        try
        {
            var response = await store.Retry.ExecuteAsync("read outbox message", ct => outbox.ReadItemAsync<OutboxDocument>(
                id, new PartitionKey(partitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return response.Resource with { ETag = response.ETag };
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private void ForgetEndedLeases(DateTimeOffset now)
    {
        foreach (var (key, claim) in held)
        {
            if (claim.LeaseUntil <= now)
            {
                held.TryRemove(new KeyValuePair<(string, string), HeldClaim>(key, claim));
            }
        }
    }

    private Task<Container> ContainerAsync(CancellationToken cancellationToken) =>
        store.ContainerAsync(CosmosStore.OutboxContainer, cancellationToken);


    private sealed record HeldClaim(OutboxDocument Document, DateTimeOffset LeaseUntil);

    private sealed record OutboxIdRow([property: System.Text.Json.Serialization.JsonPropertyName("id")] string Id);
}
