using Marketplace.Application.Catalog;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Ckan;

/// <summary>
/// The catalog as CKAN's read actions ask it, with work in proportion to the answer: q and fq on organization,
/// groups and license_id go to the catalog index (its ProviderId, Theme and Licence), and so do the facets on
/// those fields; filters, orders and facets the index does not have are applied to the index's listings, and
/// whole packages (three grain calls each) are built for the rows of the page only. Only res_format (the
/// resources) and metadata_created (the offering's creation) need the package of every match, and that is
/// refused past <see cref="MaxPackageScan"/> matches.
/// </summary>
/// <param name="search">The catalog search as an anonymous visitor sees it.</param>
/// <param name="findEntry">An offering with its dataset and provider, or null when a visitor may not see it.</param>
/// <param name="providerNames">The display names of providers.</param>
/// <param name="baseUrl">The host's own URL, without a trailing slash.</param>
public sealed class CkanIndex(
    Func<CatalogSearch, CancellationToken, Task<CatalogSearchResult>> search,
    Func<string, Task<CatalogEntry?>> findEntry,
    Func<IEnumerable<string>, Task<IReadOnlyDictionary<string, string>>> providerNames,
    string baseUrl)
{
    /// <summary>The most matches whose whole packages a search on res_format or by metadata_created reads.</summary>
    public const int MaxPackageScan = 1000;

    private const int PageSize = CatalogBrowsing.MaxPageSize;

    /// <summary>The catalog an anonymous visitor sees, through <paramref name="catalog"/>.</summary>
    public static CkanIndex Of(CatalogBrowsing catalog, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CkanIndex(
            (s, token) => catalog.SearchAsync(null, s, token),
            id => catalog.FindEntryAsync(null, id),
            catalog.ProviderNamesAsync,
            baseUrl);
    }

    /// <summary>Every listing the index finds for the search, in the catalog's order.</summary>
    public async Task<List<CatalogListing>> ListingsAsync(CatalogSearch wanted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        var listings = new List<CatalogListing>();
        for (var page = 1; ; page++)
        {
            var result = await search(wanted with { Page = page, PageSize = PageSize }, cancellationToken);
            listings.AddRange(result.Items);
            if (result.Items.Count < PageSize || listings.Count >= result.Total)
            {
                return listings;
            }
        }
    }

    /// <summary>The index's answer for the search alone: its total and facets (one listing read).</summary>
    public Task<CatalogSearchResult> CountAsync(CatalogSearch wanted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        return search(wanted with { Page = 1, PageSize = 1 }, cancellationToken);
    }

    /// <summary>The packages of the listings, in their order; one a visitor may no longer see is left out.</summary>
    public async Task<List<CkanPackage>> PackagesAsync(IEnumerable<string> offeringIds)
    {
        var entries = await Task.WhenAll(offeringIds.Select(findEntry));
        return [.. entries.OfType<CatalogEntry>().Select(e => CkanCatalog.Package(e, baseUrl))];
    }

    /// <summary>package_search.</summary>
    public async Task<CkanSearchResult> SearchAsync(CkanQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // One value per field the index filters on goes to it (exactly, as CKAN's Solr string fields match); the
        // rest of fq is applied to the listings (a second value of the same field too, since fq terms are ANDed).
        var filters = query.Filters.ToList();
        string? Pushed(string field)
        {
            var index = filters.FindIndex(f => f.Key == field);
            if (index < 0)
            {
                return null;
            }
            var value = filters[index].Value;
            filters.RemoveAt(index);
            return value;
        }
        var wanted = new CatalogSearch(Text: query.Text, ProviderId: Pushed("organization"), Theme: Pushed("groups"), Licence: Pushed("license_id"));
        var rest = query with { Filters = filters };

        if (filters.Count == 0 && query.Sort.StartsWith("score ", StringComparison.Ordinal)
            && query.FacetFields.All(IndexFacets.ContainsKey))
        {
            return await FromIndexAsync(wanted, query, cancellationToken);
        }

        var listings = await ListingsAsync(wanted, cancellationToken);
        CkanRowPage found;
        Dictionary<string, CkanPackage> built;
        if (CkanCatalog.NeedsPackages(rest))
        {
            var matches = listings.Select(CkanCatalog.Row).Where(r => rest.Filters.All(f => f.Key == "res_format" || Holds(r, f))).ToList();
            if (matches.Count > MaxPackageScan)
            {
                throw CkanRefusal.Invalid(
                    $"Filtering or counting on res_format, or sorting by metadata_created, reads at most {MaxPackageScan} packages; this search matches {matches.Count}. Narrow it with q or fq.");
            }
            var packages = await PackagesAsync(matches.Select(r => r.Name));
            found = CkanCatalog.SearchRows([.. packages.Select(CkanCatalog.Row)], rest);
            built = packages.ToDictionary(p => p.Name, StringComparer.Ordinal);
        }
        else
        {
            found = CkanCatalog.SearchRows([.. listings.Select(CkanCatalog.Row)], rest);
            built = (await PackagesAsync(found.Page.Select(r => r.Name))).ToDictionary(p => p.Name, StringComparer.Ordinal);
        }
        var page = found.Page.Where(r => built.ContainsKey(r.Name)).Select(r => built[r.Name]).ToList();
        return CkanCatalog.Result(query, found.Count, page, found.Facets, await OrganizationTitlesAsync(query, found.Facets));
    }

    private static bool Holds(CkanRow row, KeyValuePair<string, string> filter) =>
        CkanCatalog.SearchRows([row], new CkanQuery(null, [filter], 1, 0, CkanCatalog.DefaultSort, [])).Count == 1;

    /// <summary>The facets the index counts itself, by CKAN field.</summary>
    private static readonly Dictionary<string, Func<CatalogFacets, IReadOnlyList<FacetCount>>> IndexFacets = new(StringComparer.Ordinal)
    {
        ["organization"] = f => f.Providers,
        ["groups"] = f => f.Themes,
        ["license_id"] = f => f.Licences,
    };

    /// <summary>
    /// A search the index answers whole: every filter went to it, the order is the catalog's (score) and the facets
    /// are its own. Only the index pages that hold rows start..start+rows are read.
    /// </summary>
    private async Task<CkanSearchResult> FromIndexAsync(CatalogSearch wanted, CkanQuery query, CancellationToken cancellationToken)
    {
        var listings = new List<CatalogListing>();
        var first = query.Start / PageSize;
        var last = query.Rows == 0 ? first : (int)Math.Min(((long)query.Start + query.Rows - 1) / PageSize, int.MaxValue - 1);
        CatalogSearchResult? answered = null;
        for (var page = first; page <= last; page++)
        {
            var result = await search(wanted with { Page = page + 1, PageSize = PageSize }, cancellationToken);
            answered ??= result;
            listings.AddRange(result.Items);
            if (result.Items.Count < PageSize)
            {
                break;
            }
        }
        var rows = query.Rows == 0 ? [] : listings.Skip(query.Start - (first * PageSize)).Take(query.Rows).ToList();
        var facets = query.FacetFields.ToDictionary(f => f, f => IndexFacets[f](answered!.Facets), StringComparer.Ordinal);
        var packages = await PackagesAsync(rows.Select(l => l.OfferingId));
        return CkanCatalog.Result(query, answered!.Total, packages, facets, await OrganizationTitlesAsync(query, facets));
    }

    /// <summary>The titles of the organizations the organization facet answers (after facet.limit): one grain call each.</summary>
    private async Task<IReadOnlyDictionary<string, string>> OrganizationTitlesAsync(CkanQuery query, IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> facets) =>
        facets.TryGetValue("organization", out var organizations) && CkanCatalog.Answered(query, "organization", organizations) is { Count: > 0 } shown
            ? await providerNames(shown.Select(o => o.Value))
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
