using System.Text;

namespace Marketplace.Storage.Catalog;

/// <summary>
/// Word search without a full-text index, matching what the SQLite adapter's FTS5 table finds (the in-memory
/// <see cref="CatalogMemory"/> tokenises with <see cref="Fold"/> and <see cref="SearchTokens"/>; Cosmos documents keep these forms). Each
/// searchable field is stored as its tokens, lower-cased, Latin diacritics removed, one space apart and with a
/// space at either end; every CJK character is a token of its own (Japanese is written without spaces). A
/// search term becomes the same token sequence, so "the term occurs as whole tokens" is the substring
/// " t1 t2 " (CONTAINS, which both the service and the local server evaluate), and the last term, matched as
/// a prefix for search-as-you-type, is " t1 t2". Terms are reduced to letters and digits, so no user input
/// reaches the query text: terms are bound as parameters anyway.
/// </summary>
internal static class CatalogText
{
    /// <summary>The stored form of a field.</summary>
    public static string ForIndex(string text)
    {
        var tokens = SearchTokens.Of(Fold(text));
        return tokens.Count == 0 ? " " : " " + string.Join(' ', tokens) + " ";
    }

    /// <summary>The substrings every one of which a listing must contain (in one of its fields); empty = no text search.</summary>
    public static string[] Terms(string? text)
    {
        var terms = SearchTokens.Terms(text, Fold).Select(tokens => " " + string.Join(' ', tokens) + " ").ToList();
        if (terms.Count > 0)
        {
            // The last term matches as a prefix: drop its closing space.
            terms[^1] = terms[^1][..^1];
        }

        return [.. terms];
    }

    // NFKC (full-width and half-width forms alike), lower case, and diacritics dropped from Latin letters only:
    // decomposing Japanese would turn バ into ハ.
    public static string Fold(string text)
    {
        // ASCII is its own NFKC form and has no diacritics: lower case is all there is to do.
        if (System.Text.Ascii.IsValid(text))
        {
            return text.ToLowerInvariant();
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (rune.Value is (>= 0x00C0 and < 0x0250) or (>= 0x1E00 and < 0x1F00))
            {
                foreach (var part in rune.ToString().Normalize(NormalizationForm.FormD).EnumerateRunes())
                {
                    if (!SearchTokens.IsMark(part))
                    {
                        SearchTokens.Append(builder, Rune.ToLowerInvariant(part));
                    }
                }
            }
            else
            {
                SearchTokens.Append(builder, Rune.ToLowerInvariant(rune));
            }
        }

        return builder.ToString();
    }
}
