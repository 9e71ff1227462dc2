using System.Collections;
using System.Globalization;
using System.Resources;
using Marketplace.Host.Web;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// Every UI string exists in Japanese and in English, and no translation is left empty. Each area of the site
/// keeps its strings in its own resource pair (a marker class next to <c>X.resx</c> and <c>X.ja.resx</c>); every
/// pair is listed in <see cref="ResourceSets"/>.
/// </summary>
public sealed class TextResourceTests
{
    public static TheoryData<string> ResourceSets => [.. WebTextResources.All.Select(t => t.FullName!)];

    [Theory]
    [MemberData(nameof(ResourceSets))]
    public void Japanese_and_english_have_the_same_strings_and_none_is_empty(string set)
    {
        var english = Strings(set, CultureInfo.InvariantCulture);
        var japanese = Strings(set, CultureInfo.GetCultureInfo("ja"));

        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), japanese.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(english.Concat(japanese), s => string.IsNullOrWhiteSpace(s.Value));
    }

    [Theory]
    [MemberData(nameof(ResourceSets))]
    public void Japanese_strings_are_translated_rather_than_copied_from_english(string set)
    {
        var english = Strings(set, CultureInfo.InvariantCulture);
        var japanese = Strings(set, CultureInfo.GetCultureInfo("ja"));

        // Units and currency codes read the same in both languages; everything else is written in Japanese.
        var copied = japanese.Where(s => s.Value == english[s.Key] && !s.Key.StartsWith("Unit.MiB", StringComparison.Ordinal)).Select(s => s.Key);

        Assert.Empty(copied);
    }

    [Fact]
    public void Every_resource_pair_in_the_host_is_listed()
    {
        var listed = WebTextResources.All.Select(t => t.FullName!).Order(StringComparer.Ordinal);
        var embedded = typeof(Text).Assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".resources", StringComparison.Ordinal))
            .Select(n => n[..^".resources".Length])
            .Where(n => typeof(Text).Assembly.GetType(n) is not null)
            .Order(StringComparer.Ordinal);

        Assert.Equal(embedded, listed);
    }

    private static Dictionary<string, string> Strings(string set, CultureInfo culture) =>
        new ResourceManager(set, typeof(Text).Assembly).GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
}
