namespace Marketplace.Client;

/// <param name="Keys">The group's value of each dimension grouped by (null: the record had none).</param>
/// <param name="People">Distinct people in the group, rounded to the answer's step.</param>
/// <param name="Sum">The measure's sum; null without a measure or when counts are rounded.</param>
/// <param name="Average">The measure's mean over the group's records, to 2 decimal places; null without a measure.</param>
public sealed record AggregateGroup(IReadOnlyDictionary<string, string?> Keys, long People, decimal? Sum, decimal? Average);

/// <summary>k-anonymous statistics under a contract and the rule they were published under.</summary>
/// <param name="SuppressedGroups">Groups left out for having fewer than <paramref name="K"/> people (never which).</param>
/// <param name="SuppressedPeople">People found only in suppressed groups, rounded; null when fewer than k.</param>
public sealed record AggregateAnswer(
    string ContractId,
    string RevisionId,
    IReadOnlyList<string> GroupBy,
    string? Measure,
    int K,
    int RoundingStep,
    string Rounding,
    bool SumsPublished,
    IReadOnlyList<AggregateGroup> Groups,
    int SuppressedGroups,
    long? SuppressedPeople,
    long UnitsMetered)
{
    /// <summary>Whether the marketplace answered a retry of an Idempotency-Key (header Idempotent-Replayed).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Replayed { get; init; }
}
