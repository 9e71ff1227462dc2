namespace Marketplace.Client;

/// <summary>One mapping line of a City OS feed: an NGSI-LD attribute (or id, type, observedAt, NO2.unitCode, location.latitude, …) and the field it fills.</summary>
public sealed record NgsiLdMapping(string Attribute, string Field);

/// <param name="Interval">ISO 8601 duration from PT1M to P1D, e.g. PT1H: how often the notified records become a revision.</param>
public sealed record AttachNgsiLdFeedRequest(IReadOnlyList<string> EntityTypes, IReadOnlyList<NgsiLdMapping> Mapping, string Interval);

/// <summary>A dataset's City OS feed and what waits for its interval to close.</summary>
public sealed record NgsiLdFeed(
    string DatasetId,
    bool Attached,
    IReadOnlyList<string> EntityTypes,
    IReadOnlyList<NgsiLdMapping> Mapping,
    string? Interval,
    string NotifyPath,
    DateTimeOffset? LastNotificationAt,
    long PendingRecords,
    DateTimeOffset? NextPublicationAt);

/// <summary>The answer to one notification: the records it added (0 for a replay) and the interval they wait in.</summary>
public sealed record NgsiLdNotifyResult(string NotificationId, int Records, bool Replayed, DateTimeOffset IntervalStart, DateTimeOffset IntervalEnd);
