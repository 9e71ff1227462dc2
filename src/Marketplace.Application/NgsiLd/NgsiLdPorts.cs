using Marketplace.Grains;

namespace Marketplace.Application.NgsiLd;

/// <summary>One interval of a dataset's feed not yet published: its records wait in the buffer.</summary>
/// <param name="Attempts">Revision ids a publication of this interval was begun under, oldest first.</param>
public sealed record NgsiLdPendingInterval(DateTimeOffset Start, DateTimeOffset End, long Records, long Notifications,
    DateTimeOffset? LastNotificationAt, IReadOnlyList<string> Attempts);

/// <summary>
/// Where accepted notifications wait, durably, until their interval's revision is published. Every write is on
/// stable storage before it returns: an answered notification survives a kill -9. One caller at a time per
/// dataset (the feed service serialises them).
/// </summary>
public interface INgsiLdBuffer
{
    /// <summary>Whether a notification with this id was accepted for the dataset (pending, or published within the retention).</summary>
    Task<bool> HasNotificationAsync(string datasetId, string notificationId, CancellationToken cancellationToken = default);

    /// <summary>Appends one notification's records (canonical JSON objects) to the interval [start, end), all or nothing.</summary>
    Task AppendAsync(string datasetId, DateTimeOffset start, DateTimeOffset end, string notificationId, DateTimeOffset arrivedAt,
        IReadOnlyList<string> records, CancellationToken cancellationToken = default);

    /// <summary>The dataset's unpublished intervals, oldest first.</summary>
    Task<IReadOnlyList<NgsiLdPendingInterval>> PendingAsync(string datasetId, CancellationToken cancellationToken = default);

    /// <summary>The time of the latest notification accepted for the dataset, published or not (within the retention).</summary>
    Task<DateTimeOffset?> LastNotificationAtAsync(string datasetId, CancellationToken cancellationToken = default);

    /// <summary>The interval's records as JSON Lines, for the upload path.</summary>
    Task<Stream> OpenRecordsAsync(string datasetId, DateTimeOffset start, CancellationToken cancellationToken = default);

    /// <summary>Durably notes that a publication of the interval begins under <paramref name="revisionId"/>.</summary>
    Task BeginAttemptAsync(string datasetId, DateTimeOffset start, string revisionId, CancellationToken cancellationToken = default);

    /// <summary>Marks the interval published: its records are dropped, its notification ids kept for the retention.</summary>
    Task MarkPublishedAsync(string datasetId, DateTimeOffset start, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Datasets that have unpublished intervals.</summary>
    Task<IReadOnlyList<string>> DatasetsWithPendingAsync(CancellationToken cancellationToken = default);
}

/// <summary>Loads JSON Lines into a new published revision through the one upload path every revision takes.</summary>
public interface INgsiLdRevisionLoader
{
    Task<DatasetRevision> LoadAsync(DatasetView dataset, Stream jsonLines, string revisionId, CancellationToken cancellationToken = default);
}

/// <summary>The feed's bounds ("Marketplace:NgsiLd").</summary>
public sealed class NgsiLdLimits
{
    public const string Section = "Marketplace:NgsiLd";

    /// <summary>Largest notification body, in bytes (1 MiB).</summary>
    public int MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>Most entities in one notification.</summary>
    public int MaxEntitiesPerNotification { get; set; } = 1_000;

    /// <summary>Most records waiting in one interval; past it notifications are refused until the interval closes.</summary>
    public long MaxPendingRecordsPerInterval { get; set; } = 100_000;

    /// <summary>How long a published interval's notification ids are kept to recognise replays.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromDays(2);
}
