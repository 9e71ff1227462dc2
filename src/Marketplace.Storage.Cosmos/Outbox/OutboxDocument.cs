using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Marketplace.Storage.Cosmos.Outbox;

/// <summary>
/// One outbox message. Partition key <c>outbox/{bucket}</c>, bucket = a stable hash of the message id modulo
/// <see cref="Buckets"/>, so messages spread over a fixed set of logical partitions and a point read needs
/// only the id. Instants are UTC round-trip text (fixed width: text order is time order, which the claim
/// query's range filter and ORDER BY rely on).
/// </summary>
internal sealed record OutboxDocument
{
    /// <summary>Never change: the bucket of an existing message is computed, not stored anywhere else.</summary>
    public const int Buckets = 16;

    public const string Pending = "pending";
    public const string Done = "done";
    public const string Failed = "failed";

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("messageId")] public required string MessageId { get; init; }

    [JsonPropertyName("kind")] public required string Kind { get; init; }

    [JsonPropertyName("payload")] public required string Payload { get; init; }

    [JsonPropertyName("idempotencyKey")] public required string IdempotencyKey { get; init; }

    [JsonPropertyName("createdAt")] public required string CreatedAt { get; init; }

    [JsonPropertyName("dueAt")] public required string DueAt { get; init; }

    [JsonPropertyName("attempts")] public int Attempts { get; init; }

    [JsonPropertyName("lastError")] public string? LastError { get; init; }

    [JsonPropertyName("status")] public required string Status { get; init; }

    [JsonPropertyName("completedAt")] public string? CompletedAt { get; init; }

    // Written even when null: the claim query's "leaseUntil = null" is false for a missing property.
    [JsonPropertyName("leaseToken"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? LeaseToken { get; init; }

    [JsonPropertyName("leaseUntil"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? LeaseUntil { get; init; }

    /// <summary>Changes with every write, so a retried write recognises its own earlier success.</summary>
    [JsonPropertyName("w")] public required string WriteToken { get; init; }

    /// <summary>Seconds a done message is kept (the service's TTL deletes it then); absent on every other status.</summary>
    [JsonPropertyName("ttl")] public int? TimeToLive { get; init; }

    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static string IdFor(string messageId) => DocumentIds.For("", messageId);

    public static string PartitionKeyFor(string messageId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(messageId));
        var bucket = BinaryPrimitives.ReadUInt32BigEndian(hash) % Buckets;
        return PartitionKeyOf((int)bucket);
    }

    public static string PartitionKeyOf(int bucket) => "outbox/" + bucket.ToString(CultureInfo.InvariantCulture);

    public static string NewToken() => Guid.NewGuid().ToString("N");

    public static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static OutboxDocument From(OutboxMessage message) => new()
    {
        Id = IdFor(message.Id),
        PartitionKey = PartitionKeyFor(message.Id),
        MessageId = message.Id,
        Kind = message.Kind,
        Payload = message.Payload,
        IdempotencyKey = message.IdempotencyKey,
        CreatedAt = Stamp(message.CreatedAt),
        DueAt = Stamp(message.DueAt),
        Attempts = message.Attempts,
        LastError = message.LastError,
        Status = StatusText(message.Status),
        CompletedAt = message.CompletedAt is { } completed ? Stamp(completed) : null,
        WriteToken = NewToken(),
    };

    public static string StatusText(OutboxStatus status) => status switch
    {
        OutboxStatus.Pending => Pending,
        OutboxStatus.Done => Done,
        OutboxStatus.Failed => Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown outbox status."),
    };

    public OutboxMessage ToMessage() => new(
        MessageId, Kind, Payload, IdempotencyKey, Parse(CreatedAt), Parse(DueAt), Attempts, LastError,
        Status switch
        {
            Pending => OutboxStatus.Pending,
            Done => OutboxStatus.Done,
            Failed => OutboxStatus.Failed,
            _ => throw new InvalidOperationException($"Unknown outbox status '{Status}'."),
        },
        CompletedAt is null ? null : Parse(CompletedAt));

    private static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
