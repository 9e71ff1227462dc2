using Marketplace.Domain;

namespace Marketplace.Application.Aggregates;

/// <summary>A buyer's aggregate query as it arrived: the raw groupBy list (comma-separated), measure and Idempotency-Key.</summary>
public sealed record AggregateFetch(string? GroupBy, string? Measure, string? IdempotencyKey);

/// <summary>
/// What a buyer asked for, parsed: the dimensions in the order given and the measure (null for counts only). Two
/// queries are the same request exactly when both are equal, order of dimensions included (it is the order of each
/// group's values in the answer).
/// </summary>
public sealed record AggregateQuery(IReadOnlyList<string> GroupBy, string? Measure)
{
    /// <summary>Longest groupBy or measure parameter read: 3 field names of 64 characters and their commas fit well inside.</summary>
    public const int MaxParameterLength = 400;

    public bool Equals(AggregateQuery? other) =>
        other is not null && GroupBy.SequenceEqual(other.GroupBy, StringComparer.Ordinal) && Measure == other.Measure;

    public override int GetHashCode() => HashCode.Combine(GroupBy.Count, Measure);

    /// <summary>Parses and checks the query against the contract's aggregate terms, with messages naming what is allowed.</summary>
    public static AggregateQuery Parse(AggregateFetch fetch, AggregatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(policy);
        var allowed = string.Join(", ", policy.Dimensions);
        if (string.IsNullOrWhiteSpace(fetch.GroupBy))
        {
            throw new DomainException(ErrorCodes.AggregateGroupByInvalid,
                $"Name 1 to {AggregatePolicy.MaxGroupBy} dimensions to group by, comma-separated, e.g. groupBy={policy.Dimensions[0]}; this contract allows: {allowed}.");
        }
        if (fetch.GroupBy.Length > MaxParameterLength)
        {
            throw new DomainException(ErrorCodes.AggregateGroupByInvalid,
                $"groupBy is longer than {MaxParameterLength} characters; name 1 to {AggregatePolicy.MaxGroupBy} of: {allowed}.");
        }
        var groupBy = fetch.GroupBy.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (groupBy.Length is 0 or > AggregatePolicy.MaxGroupBy)
        {
            throw new DomainException(ErrorCodes.AggregateGroupByInvalid,
                $"Group by 1 to {AggregatePolicy.MaxGroupBy} dimensions (got {groupBy.Length}): more make groups too small to publish. This contract allows: {allowed}.");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dimension in groupBy)
        {
            if (!policy.Dimensions.Contains(dimension, StringComparer.Ordinal))
            {
                throw new DomainException(ErrorCodes.AggregateGroupByInvalid,
                    $"'{TextBounds.Shorten(dimension)}' is not a dimension this contract may group by; choose from: {allowed}.");
            }
            if (!seen.Add(dimension))
            {
                throw new DomainException(ErrorCodes.AggregateGroupByInvalid, $"'{dimension}' is named twice in groupBy; name each dimension once.");
            }
        }
        string? measure = null;
        if (!string.IsNullOrWhiteSpace(fetch.Measure))
        {
            measure = fetch.Measure.Trim();
            if (!policy.Measures.Contains(measure, StringComparer.Ordinal))
            {
                throw new DomainException(ErrorCodes.AggregateMeasureInvalid, policy.Measures.Count == 0
                    ? $"This contract gives counts only: leave measure out ('{TextBounds.Shorten(measure)}' cannot be summed under it)."
                    : $"'{TextBounds.Shorten(measure)}' is not a measure this contract may sum or average; choose from: {string.Join(", ", policy.Measures)}.");
            }
        }
        return new AggregateQuery(groupBy, measure);
    }
}

/// <summary>
/// What a metered aggregate answer was: the query and the revision it was computed from. Stored with the usage event
/// of an Idempotency-Key, so a retry is answered from the same revision; escaped so no field name passes for structure.
/// A record page's fingerprint never decodes as this, so one key cannot serve both kinds of request.
/// </summary>
public sealed record AggregateServed(AggregateQuery Query, string RevisionId)
{
    private const string Version = "agg1";

    public string Encode() =>
        string.Join('|', Version, Escape(RevisionId), Query.Measure is null ? "-" : Escape(Query.Measure),
            string.Join(',', Query.GroupBy.Select(Escape)));

    public static AggregateServed? TryDecode(string? fingerprint)
    {
        var parts = fingerprint?.Split('|');
        if (parts is not { Length: 4 } || parts[0] != Version)
        {
            return null;
        }
        var measure = parts[2] == "-" ? null : Uri.UnescapeDataString(parts[2]);
        var groupBy = parts[3].Split(',').Select(Uri.UnescapeDataString).ToList();
        return new AggregateServed(new AggregateQuery(groupBy, measure), Uri.UnescapeDataString(parts[1]));
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
