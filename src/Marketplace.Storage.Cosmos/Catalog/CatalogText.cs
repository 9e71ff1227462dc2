using System.Globalization;
using System.Text;

namespace Marketplace.Storage.Cosmos.Catalog;

/// <summary>
/// Word search without a full-text index, matching what the SQLite adapter's FTS5 table finds. Each
/// searchable field is stored as its tokens, lower-cased, Latin diacritics removed, one space apart and with a
/// space at either end; every CJK character is a token of its own (Japanese is written without spaces). A
/// search term becomes the same token sequence, so "the term occurs as whole tokens" is the substring
/// " t1 t2 " (CONTAINS, which both the service and the local server evaluate), and the last term, matched as
/// a prefix for search-as-you-type, is " t1 t2". Terms are reduced to letters and digits, so no user input
/// reaches the query text: terms are bound as parameters anyway.
/// </summary>
internal static class CatalogText
{
    private const int MaxTerms = 16;

    /// <summary>The stored form of a field.</summary>
    public static string ForIndex(string text)
    {
        var tokens = Tokens(text);
        return tokens.Count == 0 ? " " : " " + string.Join(' ', tokens) + " ";
    }

    /// <summary>The substrings every one of which a listing must contain (in one of its fields); empty = no text search.</summary>
    public static string[] Terms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var terms = new List<string>();
        foreach (var word in text.Normalize(NormalizationForm.FormKC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var tokens = Tokens(word);
            if (tokens.Count > 0)
            {
                terms.Add(" " + string.Join(' ', tokens) + " ");
            }

            if (terms.Count == MaxTerms)
            {
                break;
            }
        }

        if (terms.Count > 0)
        {
            // The last term matches as a prefix: drop its closing space.
            terms[^1] = terms[^1][..^1];
        }

        return [.. terms];
    }

    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in Fold(text).EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                Flush();
                tokens.Add(rune.ToString());
            }
            else if (Rune.IsLetterOrDigit(rune) || IsMark(rune))
            {
                current.Append(rune.ToString());
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length > 0 && current.ToString().EnumerateRunes().Any(Rune.IsLetterOrDigit))
            {
                tokens.Add(current.ToString());
            }

            current.Clear();
        }
    }

    // NFKC (full-width and half-width forms alike), lower case, and diacritics dropped from Latin letters only:
    // decomposing Japanese would turn バ into ハ.
    private static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (rune.Value is (>= 0x00C0 and < 0x0250) or (>= 0x1E00 and < 0x1F00))
            {
                foreach (var part in rune.ToString().Normalize(NormalizationForm.FormD).EnumerateRunes())
                {
                    if (!IsMark(part))
                    {
                        builder.Append(Rune.ToLowerInvariant(part).ToString());
                    }
                }
            }
            else
            {
                builder.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }

        return builder.ToString();
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x3040 and <= 0x30FF => true, // Hiragana, Katakana (incl. the long vowel mark)
        >= 0x31F0 and <= 0x31FF => true, // Katakana phonetic extensions
        >= 0x3400 and <= 0x4DBF => true, // CJK extension A
        >= 0x4E00 and <= 0x9FFF => true, // CJK unified ideographs
        >= 0xAC00 and <= 0xD7AF => true, // Hangul syllables
        >= 0xF900 and <= 0xFAFF => true, // CJK compatibility ideographs
        >= 0x20000 and <= 0x3FFFF => true, // CJK extensions B and beyond
        _ => false,
    };
}
