using System.Globalization;
using System.Text.Json.Serialization;

namespace Marketplace.Storage.Cosmos.Usage;

/// <summary>
/// How many shards a contract's period is spread over, fixed for good by whoever writes the period first
/// (create-if-absent, so every process and every later read agrees). It lives in shard 0's partition.
/// </summary>
internal sealed class UsageLayoutDocument
{
    public const string DocumentId = "layout";

    [JsonPropertyName("id")] public string Id { get; init; } = DocumentId;

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string Kind { get; init; } = "layout";

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("period")] public required string Period { get; init; }

    [JsonPropertyName("shards")] public required int Shards { get; init; }
}

/// <summary>
/// One group commit's events of one shard: created once, never changed (except voided by the commit that wrote
/// it when another of its blocks failed). Blocks of a shard are numbered 1, 2, 3… and each is created only once
/// its predecessor exists, so a create that answers 409 means another writer took that number: the chain orders
/// every writer of a shard, and a writer has seen every block before the one it writes.
/// </summary>
internal sealed record UsageBlockDocument
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string Kind { get; init; } = "block";

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("period")] public required string Period { get; init; }

    [JsonPropertyName("shard")] public required int Shard { get; init; }

    [JsonPropertyName("seq")] public required long Sequence { get; init; }

    /// <summary>When the commit wrote it: microseconds since the Unix epoch, strictly increasing per process. Orders the ledger.</summary>
    [JsonPropertyName("at")] public required long Arrival { get; init; }

    /// <summary>The commit that wrote it, so that a create whose answer was lost recognises its own block.</summary>
    [JsonPropertyName("t")] public required string Token { get; init; }

    [JsonPropertyName("units")] public required long Units { get; init; }

    [JsonPropertyName("events")] public required long Events { get; init; }

    /// <summary>Units and events per UTC hour of occurrence, as <see cref="UsageHours.Of"/> keys them.</summary>
    [JsonPropertyName("h")] public required Dictionary<string, long[]> Hours { get; init; }

    [JsonPropertyName("ev")] public required UsageBlockEvent[] Items { get; init; }

    /// <summary>Set when the commit that wrote it failed elsewhere and took it back: it holds nothing.</summary>
    [JsonPropertyName("void")] public bool? Void { get; init; }

    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static string IdFor(long sequence) => "b." + sequence.ToString("D12", CultureInfo.InvariantCulture);

    public static UsageBlockDocument Create(string contractId, string period, int shard, long sequence, long arrival, string token, IReadOnlyList<UsageRecord> records)
    {
        var hours = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var units = 0L;
        var items = new UsageBlockEvent[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            units = checked(units + record.Units);
            var hour = UsageHours.Of(record.OccurredAt);
            var sums = hours.GetValueOrDefault(hour) ?? [0, 0];
            hours[hour] = [checked(sums[0] + record.Units), sums[1] + 1];
            items[i] = UsageBlockEvent.From(record);
        }

        return new UsageBlockDocument
        {
            Id = IdFor(sequence),
            PartitionKey = UsageShards.PartitionKeyFor(contractId, period, shard),
            ContractId = contractId,
            Period = period,
            Shard = shard,
            Sequence = sequence,
            Arrival = arrival,
            Token = token,
            Units = units,
            Events = records.Count,
            Hours = hours,
            Items = items,
        };
    }

    /// <summary>The same block holding nothing: what a failed commit leaves of a block it wrote.</summary>
    public UsageBlockDocument Voided() => this with { Units = 0, Events = 0, Hours = [], Items = [], Void = true, ETag = null };

    public IEnumerable<UsageRecord> Records() => Items.Select(item => item.ToRecord(ContractId, Period));
}

/// <summary>
/// One event inside a block, with short names (≈ 150 bytes plus the ids). A provider's or buyer's id is kept as
/// <c>i</c>, the only indexed path of the block's events, which duplicate checks look up; an id the marketplace
/// generated (<see cref="UsageRecord.GeneratedSource"/>, never sent twice) as <c>g</c>, which nothing indexes.
/// </summary>
internal sealed class UsageBlockEvent
{
    [JsonPropertyName("i")] public string? KeyedId { get; init; }

    [JsonPropertyName("g")] public string? GeneratedId { get; init; }

    [JsonPropertyName("u")] public required long Units { get; init; }

    // Kept as round-trip text: the offset and every tick survive, whatever the serializer does with dates.
    [JsonPropertyName("o")] public required string OccurredAt { get; init; }

    [JsonPropertyName("r")] public required string RecordedAt { get; init; }

    /// <summary>Null for <see cref="UsageRecord.GeneratedSource"/>.</summary>
    [JsonPropertyName("s")] public string? Source { get; init; }

    [JsonPropertyName("f")] public string? Fingerprint { get; init; }

    public string EventId => KeyedId ?? GeneratedId ?? "";

    public static UsageBlockEvent From(UsageRecord record)
    {
        var generated = record.Source == UsageRecord.GeneratedSource;
        return new UsageBlockEvent
        {
            KeyedId = generated ? null : record.EventId,
            GeneratedId = generated ? record.EventId : null,
            Units = record.Units,
            OccurredAt = record.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
            RecordedAt = record.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
            Source = generated ? null : record.Source,
            Fingerprint = record.Fingerprint,
        };
    }

    public UsageRecord ToRecord(string contractId, string period) => new(
        EventId, contractId, period, Units,
        DateTimeOffset.Parse(OccurredAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        DateTimeOffset.Parse(RecordedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        Source ?? UsageRecord.GeneratedSource, Fingerprint);

    /// <summary>
    /// At least the bytes this event takes in a block's JSON: each string counted at 6 bytes a character unless
    /// plain ASCII (the serializer escapes the rest as \uXXXX), plus the names, numbers and punctuation.
    /// </summary>
    public static int MaxJsonBytes(UsageRecord record) =>
        96 + JsonBytes(record.EventId) + JsonBytes(record.Source) + JsonBytes(record.Fingerprint) + 2 * 40;

    private static int JsonBytes(string? text)
    {
        if (text is null)
        {
            return 0;
        }

        var bytes = 0;
        foreach (var c in text)
        {
            bytes += c is >= ' ' and < (char)0x7F and not ('"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`') ? 1 : 6;
        }

        return bytes;
    }
}

/// <summary>
/// What every block of a shard up to <see cref="UpTo"/> adds up to. Blocks never change once settled, so this is
/// a cache that readers advance (by ETag) to keep their tail read short: nothing depends on it being current,
/// and a reader that finds none sums the blocks themselves.
/// </summary>
internal sealed record UsageCheckpointDocument
{
    public const string DocumentId = "sum";

    [JsonPropertyName("id")] public string Id { get; init; } = DocumentId;

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string Kind { get; init; } = "sum";

    [JsonPropertyName("upTo")] public long UpTo { get; init; }

    [JsonPropertyName("units")] public long Units { get; init; }

    [JsonPropertyName("events")] public long Events { get; init; }

    [JsonPropertyName("h")] public Dictionary<string, long[]> Hours { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("_etag")] public string? ETag { get; init; }
}

/// <summary>The part of a block a totals read needs (the events themselves are not read).</summary>
internal sealed class UsageBlockSummary
{
    [JsonPropertyName("seq")] public long Sequence { get; init; }

    [JsonPropertyName("at")] public long Arrival { get; init; }

    [JsonPropertyName("units")] public long Units { get; init; }

    [JsonPropertyName("events")] public long Events { get; init; }

    [JsonPropertyName("h")] public Dictionary<string, long[]>? Hours { get; init; }

    public static UsageBlockSummary Of(UsageBlockDocument block) => new()
    {
        Sequence = block.Sequence,
        Arrival = block.Arrival,
        Units = block.Units,
        Events = block.Events,
        Hours = block.Hours,
    };
}

/// <summary>A stored event found by a duplicate check: the event and the block that holds it.</summary>
internal sealed class UsageBlockMatch
{
    [JsonPropertyName("period")] public required string Period { get; init; }

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("at")] public long Arrival { get; init; }

    [JsonPropertyName("e")] public required UsageBlockEvent Event { get; init; }

    public UsageRecord ToRecord() => Event.ToRecord(ContractId, Period);
}

internal static class UsageHours
{
    /// <summary>The UTC hour an event occurred in, as blocks and checkpoints key their hourly sums.</summary>
    public static string Of(DateTimeOffset occurredAt) =>
        occurredAt.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':00:00Z'", CultureInfo.InvariantCulture);

    public static void Add(Dictionary<string, long[]> into, Dictionary<string, long[]>? hours)
    {
        foreach (var (hour, sums) in hours ?? [])
        {
            var known = into.GetValueOrDefault(hour) ?? [0, 0];
            into[hour] = [checked(known[0] + sums[0]), known[1] + sums[1]];
        }
    }
}

/// <summary>Where an event of a contract's period lives: partition <c>{contract}/{period}/{shard}</c>.</summary>
internal static class UsageShards
{
    public static string PartitionKeyFor(string contractId, string period, int shard) =>
        DocumentIds.Join(contractId, period, shard.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The shard of an event id among <paramref name="shards"/>: FNV-1a (64-bit) over its UTF-16 code units, the
    /// same in every process and release, so the same id always lands in the same shard of a period.
    /// </summary>
    public static int Of(string eventId, int shards)
    {
        if (shards <= 1)
        {
            return 0;
        }

        var hash = 14695981039346656037UL;
        foreach (var c in eventId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (int)(hash % (ulong)shards);
    }

    /// <summary>The period before or after a "yyyy-MM" period, or null for an id of another shape.</summary>
    public static string? Neighbour(string period, int months) =>
        DateOnly.TryParseExact(period + "-01", "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? first.AddMonths(months).ToString("yyyy'-'MM", CultureInfo.InvariantCulture)
            : null;
}
