using System.Globalization;
using System.Net;
using System.Text.Json;
using Marketplace.Storage.Catalog;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Catalog;

/// <summary>
/// Catalog listings, one document per offering in the <c>catalog</c> container, and searched in memory: each
/// process keeps a copy of every live listing (<see cref="CatalogMemory"/>, the one the SQLite adapter searches too), built from the container's change
/// feed from the beginning before its first search, then fed by the change feed, so a search sends no request
/// (costs no request units) whatever the catalog's size. A removal is a tombstone write, because the feed
/// (latest version) carries no deletes.
/// <para>
/// Convergence: a write through this process is searchable here when the write returns (it reads the feed up to
/// its own change before returning). Every other process reads the feed every
/// <see cref="CosmosStoreOptions.CatalogFeedInterval"/> once <see cref="StartAsync"/> has run (the host does it at
/// start-up), so a listing changed anywhere is searchable everywhere within that interval plus one feed read,
/// while the store answers. A feed read that fails is repeated at the next interval.
/// </para>
/// </summary>
public sealed class CosmosCatalogIndex(CosmosStore store) : ICatalogIndex, IAsyncDisposable
{
    private readonly SemaphoreSlim feedGate = new(1, 1);
    private readonly Lock pollGate = new();
    private CatalogMemory? memory;
    private FeedIterator<JsonElement>? feed;
    private string? continuation;
    private CancellationTokenSource? polling;
    private Task? pollLoop;
    private TaskCompletionSource? nextPoll;

    /// <summary>Listings held in memory (tests, diagnostics); 0 before the first build.</summary>
    internal int Count => memory?.Count ?? 0;

    public async Task UpsertAsync(CatalogListing listing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentException.ThrowIfNullOrEmpty(listing.OfferingId, nameof(listing));
        var container = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var document = CatalogDocument.From(listing);
        await store.Retry.ExecuteAsync("upsert listing", ct => container.UpsertItemAsync(
            document, new PartitionKey(document.PartitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(string offeringId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(offeringId);
        var container = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var tombstone = CatalogTombstone.For(offeringId);
        await store.Retry.ExecuteAsync("remove listing", ct => container.UpsertItemAsync(
            tombstone, new PartitionKey(tombstone.PartitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<CatalogSearchResult> SearchAsync(CatalogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var current = memory ?? await BuildAsync(cancellationToken).ConfigureAwait(false);
        return current.Search(query);
    }

    /// <summary>
    /// Builds the in-memory copy (if not built yet) and reads the change feed every
    /// <see cref="CosmosStoreOptions.CatalogFeedInterval"/> until <see cref="StopAsync"/>.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await BuildAsync(cancellationToken).ConfigureAwait(false);
        lock (pollGate)
        {
            if (polling is not null)
            {
                return;
            }

            polling = new CancellationTokenSource();
            // Runs synchronously up to its first wait, so the first interval's timer exists when this returns.
            pollLoop = PollAsync(store.Options.CatalogFeedInterval, polling.Token);
        }
    }

    public async Task StopAsync()
    {
        CancellationTokenSource? stopping;
        Task? loop;
        lock (pollGate)
        {
            (stopping, loop, polling, pollLoop) = (polling, pollLoop, null, null);
        }

        if (stopping is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop!.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        feed?.Dispose();
        feedGate.Dispose();
    }

    /// <summary>Tests: completes when the poll loop has finished its next feed read (successful or not).</summary>
    internal Task NextPollAsync()
    {
        lock (pollGate)
        {
            nextPoll ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return nextPoll.Task;
        }
    }

    /// <summary>Reads the change feed until it reports nothing newer, and applies what it read.</summary>
    internal async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (memory is null)
        {
            await BuildAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await feedGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            memory = await ReadFeedAsync(memory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            feedGate.Release();
        }
    }

    private async Task<CatalogMemory> BuildAsync(CancellationToken cancellationToken)
    {
        await feedGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (memory is { } built)
            {
                return built;
            }

            // The feed from the beginning holds the latest version of every listing and tombstone.
            feed?.Dispose();
            (feed, continuation) = (null, null);
            return memory = await ReadFeedAsync(new CatalogMemory(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            feedGate.Release();
        }
    }

    // Only under feedGate.
    private async Task<CatalogMemory> ReadFeedAsync(CatalogMemory current, CancellationToken cancellationToken)
    {
        var container = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            feed ??= container.GetChangeFeedIterator<JsonElement>(
                continuation is null ? ChangeFeedStartFrom.Beginning() : ChangeFeedStartFrom.ContinuationToken(continuation),
                ChangeFeedMode.LatestVersion,
                new ChangeFeedRequestOptions { PageSizeHint = 1_000 });
            while (feed.HasMoreResults)
            {
                var response = await store.Retry.ExecuteAsync("read catalog changes", feed.ReadNextAsync, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    continuation = response.ContinuationToken;
                    break;
                }

                current.Apply(response.Select(Change));
                continuation = response.ContinuationToken;
            }

            return current;
        }
        catch
        {
            // The iterator's position is unknown after a failure: start the next read from the last continuation.
            // What was applied stays applied (the feed repeats it, and applying a change twice changes nothing);
            // a copy still being built is dropped with its reader.
            feed?.Dispose();
            feed = null;
            throw;
        }
    }

    private async Task PollAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        // The next interval's timer starts before each read, so reads begin one interval apart.
        var next = Task.Delay(interval, store.Time, cancellationToken);
        while (true)
        {
            await next.ConfigureAwait(false);
            next = Task.Delay(interval, store.Time, cancellationToken);
            try
            {
                await CatchUpAsync(cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed read is repeated at the next interval; searches keep the last copy meanwhile.
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
            }

            TaskCompletionSource? polled;
            lock (pollGate)
            {
                (polled, nextPoll) = (nextPoll, null);
            }

            polled?.TrySetResult();
        }
    }

    private static CatalogChange Change(JsonElement item)
    {
        var offeringId = item.GetProperty("offeringId").GetString() ?? "";
        return item.TryGetProperty("removed", out var removed) && removed.ValueKind == JsonValueKind.True
            ? new CatalogChange(offeringId, null, 0)
            : Stored(item.Deserialize<CatalogDocument>(CosmosStore.Json)!);
    }

    // "Newest" orders by the update instant to the millisecond.
    private static CatalogChange Stored(CatalogDocument document)
    {
        var updated = DateTimeOffset.TryParse(document.UpdatedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at.ToUnixTimeMilliseconds() : double.NegativeInfinity;
        return new CatalogChange(document.OfferingId, document.ToListing(), updated);
    }

    private Task<Container> ContainerAsync(CancellationToken cancellationToken) =>
        store.ContainerAsync(CosmosStore.CatalogContainer, cancellationToken);
}
