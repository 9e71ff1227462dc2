using System.Collections.Concurrent;
using System.Text.Json;
using Marketplace.Application.Holdings;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Application.NgsiLd;

/// <summary>What a dataset's feed looks like now: its configuration and what waits for the interval to close.</summary>
public sealed record NgsiLdFeedStatus(string DatasetId, NgsiLdFeed? Feed, DateTimeOffset? LastNotificationAt, long PendingRecords, DateTimeOffset? NextPublicationAt);

/// <summary>The answer to one notification.</summary>
public sealed record NgsiLdNotifyOutcome(string NotificationId, int Records, bool Replayed, DateTimeOffset IntervalStart, DateTimeOffset IntervalEnd);

/// <summary>
/// The City OS feed, for the API and the provider console alike. A provider attaches a dataset with a mapping;
/// the context broker's notifications are mapped to records (domain rules) and buffered durably in the interval
/// of their arrival time — arrival, not notifiedAt or observedAt, so that a closed interval never receives
/// another record and a broker's clock cannot reopen a published revision. Once an interval has closed its
/// records are published as one revision through the upload path, by the recurring job or by the first
/// notification after it, whichever comes first; per dataset one caller at a time, and a publication that
/// began before a crash is found by its revision id, so an interval is published once.
/// </summary>
public sealed class NgsiLdFeeds(
    GrainReferences grains,
    DatasetHoldings datasets,
    INgsiLdBuffer buffer,
    INgsiLdRevisionLoader loader,
    IRecordStore records,
    BillingCalendar calendar,
    NgsiLdTerms terms,
    NgsiLdLimits limits)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> locks = new(StringComparer.Ordinal);

    public NgsiLdLimits Limits => limits;

    public async Task<DatasetView> AttachAsync(ApiPrincipal caller, string datasetId, NgsiLdFeed feed)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await datasets.OwnedAsync(caller, datasetId);
        return await grains.Get<IDatasetGrain>(datasetId).AttachFeed(caller.PartyId, feed);
    }

    public async Task<DatasetView> DetachAsync(ApiPrincipal caller, string datasetId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await datasets.OwnedAsync(caller, datasetId);
        return await grains.Get<IDatasetGrain>(datasetId).DetachFeed(caller.PartyId);
    }

    public async Task<NgsiLdFeedStatus> StatusAsync(ApiPrincipal caller, string datasetId, CancellationToken cancellationToken = default)
    {
        var dataset = await datasets.OwnedAsync(caller, datasetId);
        var pending = await buffer.PendingAsync(datasetId, cancellationToken);
        var last = await buffer.LastNotificationAtAsync(datasetId, cancellationToken);
        var next = pending.Count > 0 ? pending.Min(p => p.End) : (DateTimeOffset?)null;
        return new NgsiLdFeedStatus(datasetId, dataset.Feed, last, pending.Sum(p => p.Records), next);
    }

    /// <summary>
    /// Accepts one notification: every entity maps to a record or nothing is kept (422 naming the entity and the
    /// attribute); a notification id seen before is answered as accepted without appending again.
    /// </summary>
    public async Task<NgsiLdNotifyOutcome> NotifyAsync(ApiPrincipal caller, string datasetId, JsonElement body, bool linkedData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var dataset = await datasets.OwnedAsync(caller, datasetId);
        var feed = dataset.Feed ?? throw new DomainException(ErrorCodes.NgsiLdFeedNotAttached,
            $"Dataset '{datasetId}' is not attached to a City OS feed; attach it first with PUT /api/v1/datasets/{datasetId}/ngsi-ld.");
        var notification = NgsiLdNotification.Read(body, linkedData, terms, limits.MaxEntitiesPerNotification);
        var mapped = new NgsiLdEntityMapping(feed, dataset.Definition.Schema, terms).Map(notification.Entities);

        var gate = locks.GetOrAdd(datasetId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = calendar.Now;
            await PublishClosedAsync(dataset, now, cancellationToken);
            var (start, end) = feed.IntervalOf(now);
            if (await buffer.HasNotificationAsync(datasetId, notification.Id, cancellationToken))
            {
                return new NgsiLdNotifyOutcome(notification.Id, 0, true, start, end);
            }
            var pending = (await buffer.PendingAsync(datasetId, cancellationToken)).FirstOrDefault(p => p.Start == start && p.End == end);
            if ((pending?.Records ?? 0) + mapped.Count > limits.MaxPendingRecordsPerInterval)
            {
                throw new DomainException(ErrorCodes.NgsiLdIntervalFull,
                    $"The interval from {start:yyyy-MM-dd'T'HH:mm'Z'} already holds {pending?.Records ?? 0} records; at most {limits.MaxPendingRecordsPerInterval} wait for one revision. "
                    + $"Notify again after {end:yyyy-MM-dd'T'HH:mm'Z'}, or shorten the feed's interval.");
            }
            await buffer.AppendAsync(datasetId, start, end, notification.Id, now, [.. mapped.Select(r => r.Json!)], cancellationToken);
            return new NgsiLdNotifyOutcome(notification.Id, mapped.Count, false, start, end);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Publishes every closed interval of every dataset with records waiting (the recurring job). Answers how many revisions it published.</summary>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken = default)
    {
        var published = 0;
        foreach (var datasetId in await buffer.DatasetsWithPendingAsync(cancellationToken))
        {
            var dataset = await grains.Get<IDatasetGrain>(datasetId).Get();
            if (dataset is null)
            {
                continue;
            }
            var gate = locks.GetOrAdd(datasetId, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
            try
            {
                published += await PublishClosedAsync(dataset, calendar.Now, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }
        return published;
    }

    // Called with the dataset's lock held.
    private async Task<int> PublishClosedAsync(DatasetView dataset, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var published = 0;
        foreach (var interval in await buffer.PendingAsync(dataset.Id, cancellationToken))
        {
            if (interval.End > now)
            {
                continue;
            }
            if (interval.Records > 0)
            {
                await PublishAsync(dataset, interval, cancellationToken);
                published++;
            }
            await buffer.MarkPublishedAsync(dataset.Id, interval.Start, now, cancellationToken);
        }
        return published;
    }

    private async Task PublishAsync(DatasetView dataset, NgsiLdPendingInterval interval, CancellationToken cancellationToken)
    {
        // A publication begun before a crash may have committed its records: finish that one rather than start a
        // second (a committed revision always has a record, so one page of one tells).
        foreach (var attempt in interval.Attempts)
        {
            if ((await records.ReadPageAsync(attempt, 0, 1, [], cancellationToken)).Records.Count > 0)
            {
                await grains.Get<IDatasetGrain>(dataset.Id).PublishRevision(dataset.ProviderId,
                    new DatasetRevision(attempt, interval.Records, 0, calendar.Now, RevisionStatus.Published));
                return;
            }
        }
        var revisionId = Identifiers.NewId("rev");
        await buffer.BeginAttemptAsync(dataset.Id, interval.Start, revisionId, cancellationToken);
        await using var jsonLines = await buffer.OpenRecordsAsync(dataset.Id, interval.Start, cancellationToken);
        await loader.LoadAsync(dataset, jsonLines, revisionId, cancellationToken);
    }
}
