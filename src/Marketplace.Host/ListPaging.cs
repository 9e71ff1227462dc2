using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Host;

/// <summary>Where a list page starts and how long it is, as a list endpoint read it from the query string.</summary>
public sealed record PageRequest(IndexPosition? After, int PageSize);

/// <summary>
/// How every list endpoint pages: query parameters <c>cursor</c> (opaque, from the previous answer's
/// <c>next</c>) and <c>pageSize</c> (1 to <see cref="MaxPageSize"/>, default <see cref="DefaultPageSize"/>); the
/// answer carries <c>next</c> and a <c>Link: &lt;…&gt;; rel="next"</c> header while more follows. A cursor is a
/// base64url position (creation time, id), checked when read: anything else is a 400, never a 500.
/// </summary>
public static class ListPaging
{
    public const int DefaultPageSize = 50;

    public const int MaxPageSize = IndexLimits.MaxPageSize;

    private const int MaxCursorLength = 400;
    private const int MaxIdLength = 256;
    private const string InstantFormat = "yyyy-MM-ddTHH:mm:ss.fffffffzzz";

    public static PageRequest Parse(string? cursor, string? pageSize) => new(DecodeCursor(cursor), ParsePageSize(pageSize));

    public static string EncodeCursor(IndexPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position.SortKey));
    }

    /// <summary>The answer's <c>next</c>: the cursor of the next page, also sent as a Link header; null on the last page.</summary>
    public static string? Next(HttpContext http, IndexPosition? next)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (next is null)
        {
            return null;
        }

        var cursor = EncodeCursor(next);
        var query = http.Request.Query
            .Where(p => !p.Key.Equals("cursor", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>("cursor", cursor));
        var link = http.Request.PathBase + http.Request.Path + QueryString.Create(query);
        http.Response.Headers.Append("Link", $"<{link}>; rel=\"next\"");
        return cursor;
    }

    private static int ParsePageSize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return DefaultPageSize;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= MaxPageSize)
        {
            return size;
        }

        throw new DomainException(DomainErrorCode.InvalidField("pageSize"),
            $"'pageSize' must be a whole number from 1 to {MaxPageSize} (default {DefaultPageSize}).");
    }

    private static IndexPosition? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        return TryDecode(cursor) ?? throw new DomainException(DomainErrorCode.InvalidField("cursor"),
            "'cursor' is not a cursor this list gave out; pass the 'next' value of the previous page unchanged, or leave it out to start again.");
    }

    private static IndexPosition? TryDecode(string cursor)
    {
        if (cursor.Length > MaxCursorLength || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }

        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return null;
        }

        var id = text[(bar + 1)..];
        if (id.Length is 0 or > MaxIdLength || id.Any(char.IsControl)
            || !DateTimeOffset.TryParseExact(text[..bar], InstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            || at.Offset != TimeSpan.Zero)
        {
            return null;
        }

        var position = new IndexPosition(at, id);
        // Only the exact text this list gives out is a cursor.
        return position.SortKey == text ? position : null;
    }
}
