using System.Text.Json;

namespace Marketplace.Domain.NgsiLd;

/// <summary>
/// An NGSI-LD notification (ETSI GS CIM 009, clause 5.3.1): <c>{ "id": "urn:ngsi-ld:Notification:…", "type":
/// "Notification", "subscriptionId": …, "notifiedAt": …, "data": [entities] }</c>. Member names may be written as
/// core terms, compact or expanded IRIs (<see cref="NgsiLdTerms"/>). As the specification asks, a body sent as
/// application/ld+json carries its @context, and one sent as application/json does not (its context comes in a
/// Link header, or is the core context).
/// </summary>
public sealed record NgsiLdNotification(string Id, string? SubscriptionId, DateTimeOffset? NotifiedAt, IReadOnlyList<JsonElement> Entities)
{
    /// <summary>Longest notification id kept for recognising a replay.</summary>
    public const int MaxIdLength = 512;

    /// <summary>Reads the envelope; throws <see cref="ErrorCodes.NgsiLdNotificationInvalid"/> (400) or, past <paramref name="maxEntities"/>, <see cref="ErrorCodes.NgsiLdTooLarge"/> (413).</summary>
    public static NgsiLdNotification Read(JsonElement root, bool linkedData, NgsiLdTerms terms, int maxEntities)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("A notification is a JSON object: { \"id\": \"urn:ngsi-ld:Notification:…\", \"type\": \"Notification\", \"data\": [ … ] }.");
        }
        var members = Members(root, terms);
        var hasContext = members.ContainsKey("@context");
        if (linkedData && !hasContext)
        {
            throw Invalid("A notification sent as application/ld+json carries its @context in the body; add it, or send application/json with a Link header.");
        }
        if (!linkedData && hasContext)
        {
            throw Invalid("A notification sent as application/json has no @context member; send it as application/ld+json, or move the context to a Link header.");
        }
        var id = Text(members, "id");
        if (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength)
        {
            throw Invalid($"A notification needs an id of 1 to {MaxIdLength} characters (e.g. \"urn:ngsi-ld:Notification:5fd0fa684eb81930c97005f3\"): replays are recognised by it.");
        }
        var type = members.TryGetValue("type", out var t) && t.ValueKind == JsonValueKind.String ? terms.Compact(t.GetString()!) : null;
        if (type != "Notification")
        {
            throw Invalid($"Notification {id}: its type must be \"Notification\", not {(type is null ? "missing" : $"\"{type}\"")}.");
        }
        DateTimeOffset? notifiedAt = null;
        if (Text(members, "notifiedAt") is { } notified)
        {
            notifiedAt = FieldValues.TryParseText(FieldType.DateTime, notified, out var at) ? (DateTimeOffset)at! : throw Invalid(
                $"Notification {id}: notifiedAt '{notified}' is not a date-time with an offset (e.g. 2026-11-10T09:00:00Z).");
        }
        if (!members.TryGetValue("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"Notification {id}: 'data' must be the array of notified entities.");
        }
        var count = data.GetArrayLength();
        if (count > maxEntities)
        {
            throw new DomainException(ErrorCodes.NgsiLdTooLarge,
                $"Notification {id} holds {count} entities; at most {maxEntities} are accepted at once. Lower the subscription's batch size.");
        }
        var entities = new List<JsonElement>(count);
        foreach (var entity in data.EnumerateArray())
        {
            if (entity.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"Notification {id}: entity {entities.Count + 1} of 'data' is not a JSON object.");
            }
            entities.Add(entity);
        }
        return new NgsiLdNotification(id, Text(members, "subscriptionId"), notifiedAt, entities);
    }

    /// <summary>The object's members by core term; a later duplicate (the same term written two ways) is refused.</summary>
    internal static Dictionary<string, JsonElement> Members(JsonElement element, NgsiLdTerms terms)
    {
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = terms.Compact(property.Name);
            if (!members.TryAdd(name, property.Value))
            {
                throw Invalid($"'{name}' appears more than once in one object.");
            }
        }
        return members;
    }

    private static string? Text(Dictionary<string, JsonElement> members, string name) =>
        members.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DomainException Invalid(string message) => new(ErrorCodes.NgsiLdNotificationInvalid, message);
}
