using System.Globalization;
using System.Text;

namespace Marketplace.Storage;

/// <summary>
/// How catalog text splits into searchable tokens, shared by every adapter so that a search finds the same
/// listings on each store: runs of letters and digits are tokens, and every CJK character is a token of its
/// own (Japanese is written without spaces, so "バス停" must find "市営バス停留所").
/// </summary>
public static class SearchTokens
{
    /// <summary>At most this many search terms are used; the rest of a query is ignored.</summary>
    public const int MaxTerms = 16;

    /// <summary>The tokens of a text; punctuation and spaces separate them and never appear in them.</summary>
    public static List<string> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var current = new StringBuilder();
        // Whether the run so far holds a letter or digit: a run of marks alone is no token.
        var holdsLetterOrDigit = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                Flush();
                tokens.Add(rune.ToString());
            }
            else if (Rune.IsLetterOrDigit(rune))
            {
                Append(current, rune);
                holdsLetterOrDigit = true;
            }
            else if (IsMark(rune))
            {
                Append(current, rune);
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
            if (current.Length > 0 && holdsLetterOrDigit)
            {
                tokens.Add(current.ToString());
            }

            current.Clear();
            holdsLetterOrDigit = false;
        }
    }

    /// <summary>Appends a rune without making a string of it (tokenising a catalog is millions of them).</summary>
    internal static void Append(StringBuilder builder, Rune rune)
    {
        if (rune.IsBmp)
        {
            builder.Append((char)rune.Value);
        }
        else
        {
            Span<char> pair = stackalloc char[2];
            builder.Append(pair[..rune.EncodeToUtf16(pair)]);
        }
    }

    /// <summary>
    /// What a user typed as search terms: one token list per whitespace-separated word that holds anything
    /// searchable, at most <see cref="MaxTerms"/>. <paramref name="fold"/> normalises each word first.
    /// </summary>
    public static List<List<string>> Terms(string? text, Func<string, string>? fold = null)
    {
        var terms = new List<List<string>>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        foreach (var word in text.Normalize(NormalizationForm.FormKC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var tokens = Of(fold is null ? word : fold(word));
            if (tokens.Count > 0)
            {
                terms.Add(tokens);
            }

            if (terms.Count == MaxTerms)
            {
                break;
            }
        }

        return terms;
    }

    public static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    public static bool IsCjk(Rune rune) => rune.Value switch
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
