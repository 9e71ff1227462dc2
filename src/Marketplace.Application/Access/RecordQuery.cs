using System.Globalization;
using Marketplace.Storage;

namespace Marketplace.Application.Access;

/// <summary>
/// What a buyer asked for, parsed and typed: where to start (a cursor, or the current revision's beginning),
/// how many, and which field filters. Two queries are the same request exactly when their parts are equal;
/// the filters are kept sorted, so their order in the URL does not matter.
/// </summary>
public sealed record RecordQuery
{
    public RecordQuery(RecordCursor? cursor, int limit, IEnumerable<FieldFilter> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        Cursor = cursor;
        Limit = limit;
        Filters = [.. filters.OrderBy(f => f.Field, StringComparer.Ordinal).ThenBy(f => f.Value, StringComparer.Ordinal)];
    }

    public RecordCursor? Cursor { get; }

    public int Limit { get; }

    public IReadOnlyList<FieldFilter> Filters { get; }

    public long AfterSequence => Cursor?.AfterSequence ?? 0;

    public bool Equals(RecordQuery? other) =>
        other is not null && Equals(Cursor, other.Cursor) && Limit == other.Limit && Filters.SequenceEqual(other.Filters);

    public override int GetHashCode() => HashCode.Combine(Cursor, Limit, Filters.Count);
}

/// <summary>
/// What a metered page was: the query, the revision it was read from and how many records the read asked for
/// (fewer than the limit when the quota shortened it). Stored with the usage event of an Idempotency-Key, so a
/// retry is answered from this, never from the retry's own parameters. The encoding escapes every part, so no
/// value (a filter holding '&amp;', '=', '|' or '%') can pass for another structure.
/// </summary>
public sealed record ServedPage(RecordQuery Query, string RevisionId, int ReadLimit)
{
    private const string Version = "page1";

    public string Encode()
    {
        var parts = new List<string>
        {
            Version,
            Escape(Query.Cursor?.RevisionId),
            Query.Cursor is null ? "-" : Query.Cursor.AfterSequence.ToString(CultureInfo.InvariantCulture),
            Query.Limit.ToString(CultureInfo.InvariantCulture),
            Escape(RevisionId),
            ReadLimit.ToString(CultureInfo.InvariantCulture),
        };
        parts.AddRange(Query.Filters.Select(f => $"{Escape(f.Field)}={Escape(f.Value)}"));
        return string.Join('|', parts);
    }

    /// <summary>Reads back what <see cref="Encode"/> wrote; null for anything else (a fingerprint from an older format).</summary>
    public static ServedPage? TryDecode(string? fingerprint)
    {
        var parts = fingerprint?.Split('|');
        if (parts is null || parts.Length < 6 || parts[0] != Version)
        {
            return null;
        }
        RecordCursor? cursor = null;
        if (parts[2] != "-")
        {
            if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            {
                return null;
            }
            cursor = new RecordCursor(Unescape(parts[1]), after);
        }
        if (!int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            || !int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var readLimit))
        {
            return null;
        }
        var filters = new List<FieldFilter>();
        foreach (var part in parts.Skip(6))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                return null;
            }
            filters.Add(new FieldFilter(Unescape(part[..eq]), Unescape(part[(eq + 1)..])));
        }
        return new ServedPage(new RecordQuery(cursor, limit, filters), Unescape(parts[4]), readLimit);
    }

    private static string Escape(string? value) => Uri.EscapeDataString(value ?? "");

    private static string Unescape(string value) => Uri.UnescapeDataString(value);
}
