using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Client;

/// <param name="Cursor">Where the previous page stopped (its <c>NextCursor</c>); null for the first page.</param>
/// <param name="Limit">1 to 1,000 records; null for the marketplace's default.</param>
/// <param name="Filters">Field = value pairs a record must match; a field may repeat.</param>
public sealed record RecordsQuery(string? Cursor = null, int? Limit = null, IReadOnlyList<KeyValuePair<string, string>>? Filters = null);

/// <summary>One page of records. Records stay raw JSON: their shape is the dataset's own schema.</summary>
/// <param name="NextCursor">Null on the last page.</param>
public sealed record RecordsPage(
    string ContractId,
    string RevisionId,
    IReadOnlyList<JsonElement> Records,
    int Count,
    string? NextCursor,
    long UnitsMetered)
{
    /// <summary>Whether the marketplace answered a retry of an Idempotency-Key (header Idempotent-Replayed).</summary>
    [JsonIgnore]
    public bool Replayed { get; init; }
}
