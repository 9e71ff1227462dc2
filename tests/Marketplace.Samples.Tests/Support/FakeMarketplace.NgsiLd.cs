using System.Net;
using System.Text.Json.Nodes;

namespace Marketplace.Samples.Tests.Support;

/// <summary>The City OS feed (NGSI-LD) as the marketplace answers it: attach a dataset, notifications recognised by their id.</summary>
internal sealed partial class FakeMarketplace
{
    private readonly Dictionary<string, string> feeds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> notified = new(StringComparer.Ordinal);

    // A replayed notification changes nothing, as a repeated PUT does not.
    private bool lastNotificationReplayed;

    /// <summary>The records notified to each dataset, replays not counted.</summary>
    public IReadOnlyDictionary<string, int> NotifiedRecords => notified
        .GroupBy(n => n.Key.Split('|')[0]).ToDictionary(g => g.Key, g => g.Sum(n => n.Value), StringComparer.Ordinal);

    private HttpResponseMessage? HandleNgsiLd(string method, string[] route, string caller, string body)
    {
        if (route is not ["datasets", var id, "ngsi-ld", ..] || !datasets.TryGetValue(id, out var dataset) || (string)dataset["providerId"]! != caller)
        {
            return route is ["datasets", _, "ngsi-ld", ..] ? Problem(HttpStatusCode.NotFound, "Not found", "No such dataset of yours.", "dataset.not-found") : null;
        }
        switch (method, route.Length)
        {
            case ("PUT", 3):
                var feed = JsonNode.Parse(body)!.ToJsonString();
                lastPutChanged = feeds.GetValueOrDefault(id) != feed;
                feeds[id] = feed;
                return Answer(HttpStatusCode.OK, Status(id));
            case ("POST", 4) when route[3] == "notify":
                if (!feeds.ContainsKey(id))
                {
                    return Problem(HttpStatusCode.Conflict, "Not attached", "Attach the dataset first.", "ngsi-ld.feed-not-attached");
                }
                var notification = JsonNode.Parse(body)!.AsObject();
                var notificationId = (string)notification["id"]!;
                var records = notification["data"]!.AsArray().Count;
                var replayed = !notified.TryAdd($"{id}|{notificationId}", records);
                lastNotificationReplayed = replayed;
                return Answer(HttpStatusCode.Accepted, new
                {
                    notificationId,
                    records = replayed ? 0 : records,
                    replayed,
                    intervalStart = "2026-11-30T00:00:00Z",
                    intervalEnd = "2026-11-30T00:01:00Z",
                });
            default:
                return null;
        }
    }

    private JsonObject Status(string id)
    {
        var feed = JsonNode.Parse(feeds[id])!.AsObject();
        return new JsonObject
        {
            ["datasetId"] = id,
            ["attached"] = true,
            ["entityTypes"] = feed["entityTypes"]!.DeepClone(),
            ["mapping"] = feed["mapping"]!.DeepClone(),
            ["interval"] = feed["interval"]!.DeepClone(),
            ["notifyPath"] = $"/api/v1/datasets/{id}/ngsi-ld/notify",
            ["lastNotificationAt"] = null,
            ["pendingRecords"] = notified.Where(n => n.Key.StartsWith(id + "|", StringComparison.Ordinal)).Sum(n => n.Value),
            ["nextPublicationAt"] = null,
        };
    }
}
