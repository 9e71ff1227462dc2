using System.Globalization;
using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Catalog;

/// <summary>
/// The catalog page's state, all of it in the query string (<c>/?q=…&amp;class=…&amp;theme=…&amp;provider=…&amp;price=…&amp;free=1&amp;licence=…&amp;sort=…&amp;page=N</c>)
/// so that every view is a shareable link that works without JavaScript. Values that name nothing (a class
/// that does not exist, page "abc", sort "cheapest") are dropped rather than refused: a page answers with what
/// it can show, and an unknown sort is the default order (relevance). <see cref="Sort"/> null is that default.
/// </summary>
public sealed record CatalogFilter(string? Text, string? Class, string? Theme, string? Provider, string? Price, bool FreeOnly, int Page,
    string? Licence = null, string? Sort = null)
{
    public const string TextKey = "q";
    public const string ClassKey = "class";
    public const string ThemeKey = "theme";
    public const string ProviderKey = "provider";
    public const string PriceKey = "price";
    public const string FreeKey = "free";
    public const string PageKey = "page";
    public const string LicenceKey = "licence";
    public const string SortKey = "sort";

    /// <summary>Far enough for any real browsing; deeper pages only cost the index.</summary>
    public const int MaxPage = 500;

    public static CatalogFilter None { get; } = new(null, null, null, null, null, false, 1);

    public bool HasAny => Text is not null || Class is not null || Theme is not null || Provider is not null || Price is not null || FreeOnly
        || Licence is not null;

    /// <summary>The sort wire names the page offers, default first.</summary>
    public static IReadOnlyList<string> Sorts { get; } = [.. Enum.GetValues<CatalogSort>().Select(s => WireNames.Of(s))];

    /// <summary>The sort in effect: the chosen one, or the default.</summary>
    public string SortOrDefault => Sort ?? Sorts[0];

    public static CatalogFilter From(
        string? text, string? datasetClass, string? theme, string? provider, string? price, string? free, string? page,
        string? licence = null, string? sort = null) =>
        new(
            Clean(text),
            TryParse<DatasetClass>(datasetClass, out var c) ? WireNames.Of(c) : null,
            Clean(theme),
            Identifiers.IsValidSlug(provider) ? provider : null,
            TryParse<PlanKind>(price, out var p) ? WireNames.Of(p) : null,
            free is "1" or "true",
            int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPage ? n : 1,
            Clean(licence),
            TryParse<CatalogSort>(sort, out var s) && s != CatalogSort.Relevance ? WireNames.Of(s) : null);

    public CatalogSearch ToSearch() => new(
        Text,
        TryParse<DatasetClass>(Class, out var c) ? c : null,
        Theme,
        Provider,
        TryParse<PlanKind>(Price, out var p) ? p : null,
        FreeOnly,
        Page,
        PageSize: CatalogBrowsing.DefaultPageSize,
        Licence: Licence,
        Sort: TryParse<CatalogSort>(Sort, out var s) ? s : null);

    /// <summary>The same view with one facet chosen, or cleared when it was the one chosen; back to the first page.</summary>
    public CatalogFilter Toggle(string key, string value)
    {
        static string? Flip(string? current, string value) => string.Equals(current, value, StringComparison.Ordinal) ? null : value;
        var first = this with { Page = 1 };
        return key switch
        {
            ClassKey => first with { Class = Flip(Class, value) },
            ThemeKey => first with { Theme = Flip(Theme, value) },
            ProviderKey => first with { Provider = Flip(Provider, value) },
            PriceKey => first with { Price = Flip(Price, value) },
            LicenceKey => first with { Licence = Flip(Licence, value) },
            FreeKey => first with { FreeOnly = !FreeOnly },
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not a facet of the catalog."),
        };
    }

    public CatalogFilter AtPage(long page) => this with { Page = (int)Math.Clamp(page, 1, MaxPage) };

    /// <summary>The filters and sort other than the search text, for the search form to carry along.</summary>
    public IEnumerable<(string Name, string Value)> Hidden() => Filters().Concat(Sort is null ? [] : [(SortKey, Sort)]);

    /// <summary>The search text and filters without the sort, for the sort form to carry along.</summary>
    public IEnumerable<(string Name, string Value)> HiddenButSort() => Text is null ? Filters() : Filters().Prepend((TextKey, Text));

    private IEnumerable<(string Name, string Value)> Filters()
    {
        if (Class is not null) { yield return (ClassKey, Class); }
        if (Theme is not null) { yield return (ThemeKey, Theme); }
        if (Provider is not null) { yield return (ProviderKey, Provider); }
        if (Price is not null) { yield return (PriceKey, Price); }
        if (FreeOnly) { yield return (FreeKey, "1"); }
        if (Licence is not null) { yield return (LicenceKey, Licence); }
    }

    public string Url()
    {
        var parts = new List<(string Name, string Value)>();
        if (Text is not null)
        {
            parts.Add((TextKey, Text));
        }
        parts.AddRange(Hidden());
        if (Page > 1)
        {
            parts.Add((PageKey, Page.ToString(CultureInfo.InvariantCulture)));
        }
        return parts.Count == 0 ? "/" : "/?" + string.Join("&", parts.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
    }

    /// <summary>Parses a wire name ("per-unit", "personal"), never a number.</summary>
    public static bool TryParse<T>(string? wireName, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(WireNames.Of(candidate), wireName?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string? Clean(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed[..Math.Min(trimmed.Length, 200)];
    }
}
