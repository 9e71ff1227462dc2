using System.Collections.Immutable;
using System.Globalization;

namespace Marketplace.Storage.Cosmos.Catalog;

/// <summary>
/// One silo's copy of the catalog: every live listing with its searchable forms, immutable (a change makes a new
/// copy), so a search reads one consistent snapshot while the change feed applies the next. Search semantics are
/// those the SQLite adapter has (and the conformance tests fix): filters, visibility, whole-token word matching
/// with the last term as a prefix, field weights, the orders and their tie-breaks, and facets over every hit.
/// </summary>
internal sealed class CatalogMemory
{
    private const int MaxPageSize = 100;

    // Weights of a term found in each field, as the SQLite adapter's bm25 weights (description = 1).
    private static readonly (Func<CatalogEntry, string> Field, int Weight)[] Weighted =
        [(e => e.Search.Title, 10), (e => e.Search.Keywords, 4), (e => e.Search.Themes, 3), (e => e.Search.Provider, 2)];

    public static readonly CatalogMemory Empty = new(ImmutableDictionary<string, CatalogEntry>.Empty.WithComparers(StringComparer.Ordinal));

    private readonly ImmutableDictionary<string, CatalogEntry> entries;

    // Every listing in the final tie-break order (title without ASCII case, then id), made once per snapshot on
    // its first search: searches filter it in order and only sort stably by their own key on top.
    private CatalogEntry[]? byTitle;

    private CatalogMemory(ImmutableDictionary<string, CatalogEntry> entries) => this.entries = entries;

    public int Count => entries.Count;

    /// <summary>This copy with the changes applied in order (a later change to the same listing wins).</summary>
    public CatalogMemory With(IEnumerable<CatalogChange> changes)
    {
        var builder = entries.ToBuilder();
        foreach (var change in changes)
        {
            if (change.Document is { } document)
            {
                builder[change.OfferingId] = CatalogEntry.From(document);
            }
            else
            {
                builder.Remove(change.OfferingId);
            }
        }

        return new CatalogMemory(builder.ToImmutable());
    }

    public CatalogSearchResult Search(CatalogQuery query)
    {
        var page = Math.Max(1, query.Page);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var terms = CatalogText.Terms(query.Text);

        byTitle ??= [.. entries.Values
            .OrderBy(e => e.Listing.Title, AsciiCaseInsensitive.Instance)
            .ThenBy(e => e.Listing.OfferingId, StringComparer.Ordinal)];
        var hits = byTitle.Where(entry => Matches(entry, query, terms)).ToList();
        // LINQ's ordering is stable, so ties keep the title order.
        var ordered = query.Sort switch
        {
            CatalogSort.Newest => hits.OrderByDescending(e => e.UpdatedAtMilliseconds),
            CatalogSort.Price => hits.OrderBy(e => e.Listing.PriceMinor is null).ThenBy(e => e.Listing.PriceMinor ?? 0),
            _ when terms.Length == 0 => (IEnumerable<CatalogEntry>)hits,
            _ => hits.OrderByDescending(e => Score(e, terms)),
        };
        var items = ordered.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize)).Take(pageSize).Select(e => e.Listing).ToArray();

        return new CatalogSearchResult(items, hits.Count, page, pageSize, new CatalogFacets(
            Facet(hits.Select(h => h.Listing.DatasetClass)),
            Facet(hits.SelectMany(h => h.Listing.Themes.Distinct(StringComparer.Ordinal))),
            Facet(hits.Select(h => h.Listing.ProviderId)),
            Facet(hits.Select(h => h.Listing.PriceModel)),
            Facet(hits.Select(h => h.Listing.Licence))));
    }

    private static bool Matches(CatalogEntry entry, CatalogQuery query, string[] terms)
    {
        var listing = entry.Listing;
        if ((query.DatasetClass is not null && listing.DatasetClass != query.DatasetClass)
            || (query.Theme is not null && !listing.Themes.Contains(query.Theme, StringComparer.Ordinal))
            || (query.ProviderId is not null && listing.ProviderId != query.ProviderId)
            || (query.PriceModel is not null && listing.PriceModel != query.PriceModel)
            || (query.Licence is not null && listing.Licence != query.Licence)
            || (query.FreeOnly && !listing.IsFree))
        {
            return false;
        }

        if (!query.ViewerSeesAll && !listing.IsPublic
            && (query.ViewerBuyerId is null || !listing.VisibleToBuyers.Contains(query.ViewerBuyerId, StringComparer.Ordinal)))
        {
            return false;
        }

        foreach (var term in terms)
        {
            var search = entry.Search;
            if (!search.Title.Contains(term, StringComparison.Ordinal) && !search.Keywords.Contains(term, StringComparison.Ordinal)
                && !search.Themes.Contains(term, StringComparison.Ordinal) && !search.Provider.Contains(term, StringComparison.Ordinal)
                && !entry.Description.Contains(term, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    // Each term scores the weight of the best field it occurs in; a term in none of them was found in the description.
    private static int Score(CatalogEntry entry, string[] terms) =>
        terms.Sum(term => Weighted.Where(w => w.Field(entry).Contains(term, StringComparison.Ordinal)).Select(w => w.Weight).DefaultIfEmpty(1).Max());

    private static FacetCount[] Facet(IEnumerable<string> values) =>
        [.. values.CountBy(v => v, StringComparer.Ordinal)
            .Select(c => new FacetCount(c.Key, c.Value))
            .OrderByDescending(c => c.Count)
            .ThenBy(c => c.Value, StringComparer.Ordinal)];

    /// <summary>SQLite's NOCASE: ASCII letters compare without case, everything else by code unit.</summary>
    private sealed class AsciiCaseInsensitive : IComparer<string>
    {
        public static readonly AsciiCaseInsensitive Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : -1) : 1;
            }

            for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
            {
                var difference = Fold(x[i]) - Fold(y[i]);
                if (difference != 0)
                {
                    return difference;
                }
            }

            return x.Length - y.Length;
        }

        private static int Fold(char c) => c is >= 'A' and <= 'Z' ? c + 32 : c;
    }
}

/// <summary>A listing as the change feed delivered it: its document, or null when it was removed (a tombstone).</summary>
internal sealed record CatalogChange(string OfferingId, CatalogDocument? Document);

internal sealed record CatalogEntry(CatalogListing Listing, SearchFields Search, string Description, long UpdatedAtMilliseconds)
{
    public static CatalogEntry From(CatalogDocument document)
    {
        var listing = document.ToListing();
        // The update instant to the millisecond (the precision the SQLite adapter orders by).
        var updated = DateTimeOffset.TryParse(document.UpdatedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at.ToUnixTimeMilliseconds() : long.MinValue;
        return new CatalogEntry(listing, document.Search, document.SearchDescription, updated);
    }
}
