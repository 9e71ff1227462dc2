using System.Globalization;
using Marketplace.Application.Catalog;
using Marketplace.Domain;

namespace Marketplace.Host.Features.Catalog;

/// <summary>
/// The catalog page's state, all of it in the query string (<c>/?q=…&amp;class=…&amp;theme=…&amp;provider=…&amp;price=…&amp;free=1&amp;page=N</c>)
/// so that every view is a shareable link that works without JavaScript. Values that name nothing (a class
/// that does not exist, page "abc") are dropped rather than refused: a page answers with what it can show.
/// </summary>
public sealed record CatalogFilter(string? Text, string? Class, string? Theme, string? Provider, string? Price, bool FreeOnly, int Page)
{
    public const string TextKey = "q";
    public const string ClassKey = "class";
    public const string ThemeKey = "theme";
    public const string ProviderKey = "provider";
    public const string PriceKey = "price";
    public const string FreeKey = "free";
    public const string PageKey = "page";

    /// <summary>Far enough for any real browsing; deeper pages only cost the index.</summary>
    public const int MaxPage = 500;

    public static CatalogFilter None { get; } = new(null, null, null, null, null, false, 1);

    public bool HasAny => Text is not null || Class is not null || Theme is not null || Provider is not null || Price is not null || FreeOnly;

    public static CatalogFilter From(string? text, string? datasetClass, string? theme, string? provider, string? price, string? free, string? page) =>
        new(
            Clean(text),
            TryParse<DatasetClass>(datasetClass, out var c) ? WireNames.Of(c) : null,
            Clean(theme),
            Identifiers.IsValidSlug(provider) ? provider : null,
            TryParse<PlanKind>(price, out var p) ? WireNames.Of(p) : null,
            free is "1" or "true",
            int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPage ? n : 1);

    public CatalogSearch ToSearch() => new(
        Text,
        TryParse<DatasetClass>(Class, out var c) ? c : null,
        Theme,
        Provider,
        TryParse<PlanKind>(Price, out var p) ? p : null,
        FreeOnly,
        Page);

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
            FreeKey => first with { FreeOnly = !FreeOnly },
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not a facet of the catalog."),
        };
    }

    public CatalogFilter AtPage(long page) => this with { Page = (int)Math.Clamp(page, 1, MaxPage) };

    /// <summary>The filters other than the search text, for the search form to carry along.</summary>
    public IEnumerable<(string Name, string Value)> Hidden()
    {
        if (Class is not null) { yield return (ClassKey, Class); }
        if (Theme is not null) { yield return (ThemeKey, Theme); }
        if (Provider is not null) { yield return (ProviderKey, Provider); }
        if (Price is not null) { yield return (PriceKey, Price); }
        if (FreeOnly) { yield return (FreeKey, "1"); }
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
