using System.Collections;
using System.Globalization;
using System.Resources;
using Marketplace.Host.Web;

namespace Marketplace.Host.Tests.Web;

/// <summary>Every UI string exists in Japanese and in English, and no translation is left empty.</summary>
public sealed class TextResourceTests
{
    private static readonly ResourceManager Resources = new(typeof(Text).FullName!, typeof(Text).Assembly);

    [Fact]
    public void Japanese_and_english_have_the_same_strings_and_none_is_empty()
    {
        var english = Strings(CultureInfo.InvariantCulture);
        var japanese = Strings(CultureInfo.GetCultureInfo("ja"));

        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), japanese.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(english.Concat(japanese), s => string.IsNullOrWhiteSpace(s.Value));
    }

    [Fact]
    public void Japanese_strings_are_translated_rather_than_copied_from_english()
    {
        var english = Strings(CultureInfo.InvariantCulture);
        var japanese = Strings(CultureInfo.GetCultureInfo("ja"));

        // Units and currency codes read the same in both languages; everything else is written in Japanese.
        var copied = japanese.Where(s => s.Value == english[s.Key] && !s.Key.StartsWith("Unit.MiB", StringComparison.Ordinal)).Select(s => s.Key);

        Assert.Empty(copied);
    }

    private static Dictionary<string, string> Strings(CultureInfo culture) =>
        Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
}
