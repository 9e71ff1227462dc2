using System.Globalization;
using System.Text.Json.Serialization;

namespace Marketplace.Storage.Cosmos.Records;

/// <summary>
/// A revision's header: its status (staging → committed; "discarding" while an abandoned one is removed),
/// the upload attempt whose records it shows, and every logical partition ("bucket") its records were
/// written to, recorded before the first record lands there so an abort or a discard can find them all (while
/// staging, a few buckets ahead are listed too, so most batches need no header write; a commit lists exactly the
/// buckets written).
/// Partition key <c>revision:{revisionId}</c>, id <c>revision</c>.
/// </summary>
internal sealed class RevisionDocument
{
    public const string DocumentId = "revision";
    public const string Staging = "staging";
    public const string Committed = "committed";
    public const string Discarding = "discarding";

    [JsonPropertyName("id")] public string Id { get; init; } = DocumentId;

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string Kind { get; init; } = "revision";

    [JsonPropertyName("revisionId")] public required string RevisionId { get; init; }

    [JsonPropertyName("datasetId")] public required string DatasetId { get; init; }

    [JsonPropertyName("status")] public required string Status { get; init; }

    /// <summary>The upload attempt: records of any other attempt (left by a writer that lost its revision) are never shown.</summary>
    [JsonPropertyName("attempt")] public required string Attempt { get; init; }

    [JsonPropertyName("perPartition")] public required long RecordsPerPartition { get; init; }

    /// <summary>The buckets as ascending runs <c>[first, last]</c> (<see cref="BucketRuns"/>).</summary>
    [JsonPropertyName("buckets")] public required long[][] Buckets { get; init; }

    [JsonPropertyName("count")] public long Count { get; init; }

    [JsonPropertyName("touchedAt")] public required string TouchedAt { get; init; }

    /// <summary>Changes with every write, so a retried write recognises its own earlier success.</summary>
    [JsonPropertyName("w")] public required string WriteToken { get; init; }

    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static string PartitionKeyFor(string revisionId) => "revision:" + revisionId;

    public static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public DateTimeOffset Touched => DateTimeOffset.Parse(TouchedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}

/// <summary>
/// One record. Partition key <c>{bucket}:{revisionId}</c> (bucket = sequence / records per partition; the
/// bucket comes first because it is digits up to the first ':', so any revision id is unambiguous), id = the
/// sequence. <c>t</c> holds "field\u001Fvalue" for each top-level scalar of the JSON, so equality filters are
/// an indexed ARRAY_CONTAINS rather than a scan of the text.
/// </summary>
internal sealed class RecordDocument
{
    public const char FieldSeparator = '\u001F';

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("a")] public required string Attempt { get; init; }

    [JsonPropertyName("seq")] public required long Sequence { get; init; }

    [JsonPropertyName("sub")] public string? SubjectId { get; init; }

    [JsonPropertyName("j")] public required string Json { get; init; }

    [JsonPropertyName("t")] public required string[] Fields { get; init; }

    public static string PartitionKeyFor(string revisionId, long bucket) =>
        bucket.ToString(CultureInfo.InvariantCulture) + ":" + revisionId;
}

/// <summary>The projection a page read returns.</summary>
internal sealed class RecordRow
{
    [JsonPropertyName("seq")] public long Sequence { get; init; }

    [JsonPropertyName("sub")] public string? SubjectId { get; init; }

    [JsonPropertyName("j")] public string Json { get; init; } = "";
}

internal sealed class IdRow
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
}
