using System.Globalization;
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
    private const int MaxTerms = 16;

    /// <summary>The text as stored in the FTS table.</summary>
    public static string ForIndex(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(normalized.Length + 16);
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (IsCjk(rune))
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
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var phrases = new List<string>();
        foreach (var word in text.Normalize(NormalizationForm.FormKC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var tokens = Tokens(word);
            if (tokens.Count > 0)
            {
                phrases.Add("\"" + string.Join(' ', tokens) + "\"");
            }

            if (phrases.Count == MaxTerms)
            {
                break;
            }
        }

        return phrases.Count == 0 ? null : string.Join(" AND ", phrases) + " *";
    }

    private static List<string> Tokens(string word)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in word.EnumerateRunes())
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
            // A run of marks alone would be no token for the tokenizer: an empty phrase.
            if (current.Length > 0 && current.ToString().EnumerateRunes().Any(Rune.IsLetterOrDigit))
            {
                tokens.Add(current.ToString());
            }

            current.Clear();
        }
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
