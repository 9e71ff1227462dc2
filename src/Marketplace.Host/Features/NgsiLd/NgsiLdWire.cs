using Marketplace.Application.NgsiLd;
using Marketplace.Domain;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Host.Features.NgsiLd;

/// <summary>One mapping line: an NGSI-LD attribute (or id, type, observedAt, NO2.observedAt, NO2.unitCode, location.latitude, location.longitude) and the dataset field it fills.</summary>
public sealed record NgsiLdMappingWire(string? Attribute, string? Field);

/// <summary>Attaches a dataset to the City OS feed: the entity types accepted, the mapping, and the revision interval (ISO 8601, PT1M to P1D).</summary>
public sealed record AttachNgsiLdFeedRequest(IReadOnlyList<string>? EntityTypes, IReadOnlyList<NgsiLdMappingWire>? Mapping, string? Interval);

/// <summary>A dataset's feed: attached or not, its configuration, and what waits for the interval to close.</summary>
public sealed record NgsiLdFeedResponse(
    string DatasetId,
    bool Attached,
    IReadOnlyList<string> EntityTypes,
    IReadOnlyList<NgsiLdMappingWire> Mapping,
    string? Interval,
    string NotifyPath,
    DateTimeOffset? LastNotificationAt,
    long PendingRecords,
    DateTimeOffset? NextPublicationAt);

/// <summary>The answer to a notification: how many records it added (0 for a replay), and the interval they wait in.</summary>
public sealed record NgsiLdNotifyResponse(string NotificationId, int Records, bool Replayed, DateTimeOffset IntervalStart, DateTimeOffset IntervalEnd);

public static class NgsiLdWireMapping
{
    public static NgsiLdFeed ToFeed(this AttachNgsiLdFeedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mapping = Wire.Entries(request.Mapping, "mapping").Select(m => new NgsiLdMapping(m.Attribute?.Trim() ?? "", m.Field?.Trim() ?? "")).ToList();
        return new NgsiLdFeed([.. Wire.Entries(request.EntityTypes, "entityTypes").Select(t => t?.Trim() ?? "")], mapping, NgsiLdFeed.ParseInterval(request.Interval));
    }

    public static NgsiLdFeedResponse ToResponse(this NgsiLdFeedStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var feed = status.Feed;
        return new NgsiLdFeedResponse(status.DatasetId, feed is not null, feed?.EntityTypes ?? [],
            [.. (feed?.Mappings ?? []).Select(m => new NgsiLdMappingWire(m.Source, m.Field))],
            feed is null ? null : NgsiLdFeed.FormatInterval(feed.Interval), $"/api/v1/datasets/{status.DatasetId}/ngsi-ld/notify",
            status.LastNotificationAt, status.PendingRecords, status.NextPublicationAt);
    }
}
