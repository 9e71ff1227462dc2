using System.Text;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Text preparation for the catalog's FTS5 table, shared by indexing and querying so both see the same tokens.
/// The unicode61 tokenizer splits on spaces and punctuation, which leaves Japanese and Chinese (written
/// without spaces) as one long token; so every CJK character is spaced out into its own token and a CJK
/// search term becomes a phrase of consecutive characters: "バス停" finds "市営バス停留所", and two-character
/// terms such as "人口" work (a trigram tokenizer would need at least three).
/// </summary>
internal static class CatalogSearchText
{
    /// <summary>The text as stored in the FTS table.</summary>
    public static string ForIndex(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(normalized.Length + 16);
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (SearchTokens.IsCjk(rune))
            {
                builder.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// A safe FTS5 MATCH expression for what a user typed, or null if it holds nothing searchable.
    /// Every term becomes a quoted phrase of letters and digits only (so no user character can act as FTS5
    /// syntax), terms are ANDed, and the last term matches as a prefix (search as you type).
    /// </summary>
    public static string? ToMatchQuery(string? text)
    {
        var phrases = SearchTokens.Terms(text).Select(tokens => "\"" + string.Join(' ', tokens) + "\"").ToList();
        return phrases.Count == 0 ? null : string.Join(" AND ", phrases) + " *";
    }
}
