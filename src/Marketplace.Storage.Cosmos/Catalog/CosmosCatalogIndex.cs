using System.Net;
using System.Text;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Catalog;

/// <summary>
/// Catalog listings, one document per offering. A search is one cross-partition query (continued page by
/// page) that applies the filters, visibility and word matching on the server and returns a small projection
/// of every hit; total, facets (there is no GROUP BY to lean on), ranking and the page slice are computed from
/// it, and the page's full listings are then point reads. Cost grows with the number of hits, which suits a
/// catalog of up to tens of thousands of listings (see DESIGN.md for the path beyond).
/// </summary>
public sealed class CosmosCatalogIndex(CosmosStore store) : ICatalogIndex
{
    private const int MaxPageSize = 100;

    // Weights of a term found in each field, as the SQLite adapter's bm25 weights (description = 1).
    private static readonly (Func<SearchFields, string> Field, int Weight)[] Weighted =
        [(s => s.Title, 10), (s => s.Keywords, 4), (s => s.Themes, 3), (s => s.Provider, 2)];

    public async Task UpsertAsync(CatalogListing listing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentException.ThrowIfNullOrEmpty(listing.OfferingId, nameof(listing));
        var container = await store.ContainerAsync(CosmosStore.CatalogContainer, cancellationToken).ConfigureAwait(false);
        var document = CatalogDocument.From(listing);
        await store.Retry.ExecuteAsync("upsert listing", ct => container.UpsertItemAsync(
            document, new PartitionKey(document.PartitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(string offeringId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(offeringId);
        var container = await store.ContainerAsync(CosmosStore.CatalogContainer, cancellationToken).ConfigureAwait(false);
        await store.Retry.ExecuteAsync("remove listing", async ct =>
        {
            using var response = await container.DeleteItemStreamAsync(CatalogDocument.IdFor(offeringId), new PartitionKey(offeringId), cancellationToken: ct)
                .ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                response.EnsureSuccessStatusCode();
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CatalogSearchResult> SearchAsync(CatalogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.Page);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var terms = CatalogText.Terms(query.Text);
        var container = await store.ContainerAsync(CosmosStore.CatalogContainer, cancellationToken).ConfigureAwait(false);

        var hits = new List<CatalogHit>();
        using (var iterator = container.GetItemQueryIterator<CatalogHit>(HitQuery(query, terms), requestOptions: new QueryRequestOptions { MaxItemCount = 1_000 }))
        {
            while (iterator.HasMoreResults)
            {
                hits.AddRange(await store.Retry.ExecuteAsync("search catalog", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
            }
        }

        var ordered = Sorted(hits.Select(hit => (Hit: hit, Score: Score(hit, terms))), query.Sort)
            .ThenBy(h => h.Hit.Title, AsciiCaseInsensitive.Instance)
            .ThenBy(h => h.Hit.OfferingId, StringComparer.Ordinal)
            .Select(h => h.Hit);
        var pageHits = ordered.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize)).Take(pageSize).ToArray();

        var listings = new CatalogListing?[pageHits.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, pageHits.Length), new ParallelOptions { CancellationToken = cancellationToken }, async (i, ct) =>
            listings[i] = await ReadListingAsync(container, pageHits[i], ct).ConfigureAwait(false)).ConfigureAwait(false);

        return new CatalogSearchResult(
            [.. listings.OfType<CatalogListing>()], hits.Count, page, pageSize,
            new CatalogFacets(
                Facet(hits.Select(h => h.DatasetClass)),
                Facet(hits.SelectMany(h => h.Themes.Distinct(StringComparer.Ordinal))),
                Facet(hits.Select(h => h.ProviderId)),
                Facet(hits.Select(h => h.PriceModel)),
                Facet(hits.Select(h => h.Licence))));
    }

    private async Task<CatalogListing?> ReadListingAsync(Container container, CatalogHit hit, CancellationToken cancellationToken)
    {
        try
        {
            var response = await store.Retry.ExecuteAsync("read listing", ct => container.ReadItemAsync<CatalogDocument>(
                hit.Id, new PartitionKey(hit.OfferingId), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return response.Resource.ToListing();
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // removed since the search query ran
        }
    }

    private static QueryDefinition HitQuery(CatalogQuery query, string[] terms)
    {
        var conditions = new List<string>();
        var parameters = new List<(string Name, object Value)>();
        void Where(string condition, string name, object value)
        {
            conditions.Add(condition);
            parameters.Add((name, value));
        }

        if (query.DatasetClass is not null)
        {
            Where("c.datasetClass = @class", "@class", query.DatasetClass);
        }

        if (query.Theme is not null)
        {
            Where("ARRAY_CONTAINS(c.themes, @theme)", "@theme", query.Theme);
        }

        if (query.ProviderId is not null)
        {
            Where("c.providerId = @provider", "@provider", query.ProviderId);
        }

        if (query.PriceModel is not null)
        {
            Where("c.priceModel = @price", "@price", query.PriceModel);
        }

        if (query.Licence is not null)
        {
            Where("c.licence = @licence", "@licence", query.Licence);
        }

        if (query.FreeOnly)
        {
            conditions.Add("c.isFree = true");
        }

        if (!query.ViewerSeesAll)
        {
            if (query.ViewerBuyerId is null)
            {
                conditions.Add("c.isPublic = true");
            }
            else
            {
                Where("(c.isPublic = true OR ARRAY_CONTAINS(c.visibleTo, @buyer))", "@buyer", query.ViewerBuyerId);
            }
        }

        for (var i = 0; i < terms.Length; i++)
        {
            var name = "@t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Where($"(CONTAINS(c.s.t, {name}) OR CONTAINS(c.s.k, {name}) OR CONTAINS(c.s.h, {name}) OR CONTAINS(c.s.p, {name}) OR CONTAINS(c.sd, {name}))", name, terms[i]);
        }

        // The short search fields come back only when there are terms to rank by.
        var sql = new StringBuilder("SELECT c.id, c.offeringId, c.title, c.datasetClass, c.themes, c.providerId, c.priceModel, c.licence, c.updatedAt, c.priceMinor")
            .Append(terms.Length > 0 ? ", c.s FROM c" : " FROM c");
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        var definition = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        return definition;
    }

    // As the SQLite adapter: newest by instant to the millisecond; unknown prices (null) after every known one.
    private static IOrderedEnumerable<(CatalogHit Hit, int Score)> Sorted(IEnumerable<(CatalogHit Hit, int Score)> hits, CatalogSort? sort) => sort switch
    {
        CatalogSort.Newest => hits.OrderByDescending(h => h.Hit.UpdatedAtMilliseconds),
        CatalogSort.Price => hits.OrderBy(h => h.Hit.PriceMinor is null).ThenBy(h => h.Hit.PriceMinor ?? 0),
        _ => hits.OrderByDescending(h => h.Score),
    };

    // Each term scores the weight of the best field it occurs in; a term that matched but is in none of the
    // returned fields was found in the description.
    private static int Score(CatalogHit hit, string[] terms) =>
        hit.Search is not { } search ? 0 : terms.Sum(term =>
            Weighted.Where(w => w.Field(search).Contains(term, StringComparison.Ordinal)).Select(w => w.Weight).DefaultIfEmpty(1).Max());

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
