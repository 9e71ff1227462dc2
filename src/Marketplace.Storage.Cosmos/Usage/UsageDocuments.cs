using System.Globalization;
using System.Text.Json.Serialization;

namespace Marketplace.Storage.Cosmos.Usage;

/// <summary>
/// One usage event. Partition key <c>{contractId}/{period}</c>, id derived from the event id, so recording an
/// event twice is a 409 on create: idempotency without reading first. <c>g</c> names the append that wrote it
/// (see <see cref="UsageTotalsDocument"/>); <c>arrival</c> orders the ledger.
/// </summary>
internal sealed class UsageEventDocument
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string Kind { get; init; } = "usage";

    [JsonPropertyName("eventId")] public required string EventId { get; init; }

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("period")] public required string Period { get; init; }

    [JsonPropertyName("units")] public required long Units { get; init; }

    // Kept as round-trip text: the offset and every tick survive, whatever the serializer does with dates.
    [JsonPropertyName("occurredAt")] public required string OccurredAt { get; init; }

    [JsonPropertyName("recordedAt")] public required string RecordedAt { get; init; }

    [JsonPropertyName("source")] public required string Source { get; init; }

    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; init; }

    /// <summary>Microseconds since the Unix epoch, strictly increasing per process (a JSON number stays exact below 2^53).</summary>
    [JsonPropertyName("arrival")] public required long Arrival { get; init; }

    [JsonPropertyName("g")] public required string AppendToken { get; init; }

    public static string IdFor(string eventId) => DocumentIds.For("e.", eventId);

    public static string PartitionKeyFor(string contractId, string period) => DocumentIds.Join(contractId, period);

    public static UsageEventDocument From(UsageRecord record, long arrival, string appendToken) => new()
    {
        Id = IdFor(record.EventId),
        PartitionKey = PartitionKeyFor(record.ContractId, record.Period),
        EventId = record.EventId,
        ContractId = record.ContractId,
        Period = record.Period,
        Units = record.Units,
        OccurredAt = record.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
        RecordedAt = record.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
        Source = record.Source,
        Fingerprint = record.Fingerprint,
        Arrival = arrival,
        AppendToken = appendToken,
    };

    public UsageRecord ToRecord() => new(
        EventId, ContractId, Period, Units,
        DateTimeOffset.Parse(OccurredAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        DateTimeOffset.Parse(RecordedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        Source, Fingerprint);
}

/// <summary>
/// The running totals of one contract and period, in the same logical partition as its events, updated only
/// by conditional replace (ETag). <see cref="Pending"/> is the write-ahead part: before an append creates its
/// event documents it lists them here under its token; an event is counted (and leaves the list) only when its
/// document exists and carries one of the listed tokens. So counting is idempotent, an event resent after it
/// was counted (409, another token) is never counted twice, and an append that died between writing events and
/// counting them leaves entries that the next reader or writer settles (see DESIGN.md).
/// </summary>
internal sealed record UsageTotalsDocument
{
    public const string DocumentId = "totals";

    [JsonPropertyName("id")] public string Id { get; init; } = DocumentId;

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string Kind { get; init; } = "totals";

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("period")] public required string Period { get; init; }

    [JsonPropertyName("units")] public long Units { get; init; }

    [JsonPropertyName("events")] public long Events { get; init; }

    /// <summary>
    /// Counted units and events per UTC hour of occurrence ("yyyy-MM-ddTHH:00:00Z" → [units, events]), at most 744
    /// entries a month. Null in a document counted before it existed; readers then sum that partition's events.
    /// </summary>
    [JsonPropertyName("hours")] public Dictionary<string, long[]>? Hours { get; init; }

    /// <summary>Whether <see cref="Hours"/> holds every counted event.</summary>
    public bool HoursComplete => (Hours?.Values.Sum(h => h[1]) ?? 0) == Events;

    /// <summary>The UTC hour an event occurred in, as <see cref="Hours"/> keys it.</summary>
    public static string HourOf(DateTimeOffset occurredAt) =>
        occurredAt.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':00:00Z'", CultureInfo.InvariantCulture);

    /// <summary>Uncounted events by document id.</summary>
    [JsonPropertyName("pending")] public Dictionary<string, PendingUsage> Pending { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("_etag")] public string? ETag { get; init; }
}

internal sealed record PendingUsage
{
    /// <summary>Tokens of the appends that announced this event and have not yet seen it counted.</summary>
    [JsonPropertyName("tokens")] public required string[] Tokens { get; init; }

    /// <summary>When it was first announced (round-trip text, UTC).</summary>
    [JsonPropertyName("first")] public required string First { get; init; }

    /// <summary>When it was last announced: an append is in flight until this is older than the settle window.</summary>
    [JsonPropertyName("last")] public required string Last { get; init; }
}

/// <summary>The part of an event document the counting needs, and the record it holds.</summary>
internal sealed record WrittenEvent(string AppendToken, long Units, UsageRecord Stored);
