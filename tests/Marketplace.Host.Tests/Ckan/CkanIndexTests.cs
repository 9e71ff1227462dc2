using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Features.Ckan;
using Marketplace.Storage;

namespace Marketplace.Host.Tests.Ckan;

/// <summary>package_search's work in proportion to its answer: whole packages are built for the page's rows only.</summary>
public sealed class CkanIndexTests
{
    private static readonly DateTimeOffset Updated = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static CatalogListing Listing(int n) => new($"offer-{n:D3}", $"ds-{n:D3}", n % 3 == 0 ? "city" : "bus-co", "Provider", $"Title {n:D3}", "",
        n % 2 == 0 ? ["bus"] : ["rail"], ["TRAN"], "public", "free", true, "Free", true, [], "CC-BY-4.0", Updated.AddMinutes(n));

    private static readonly IReadOnlyList<CatalogListing> Catalog = [.. Enumerable.Range(0, 300).Select(Listing)];

    private static Task<CatalogSearchResult> Search(CatalogSearch s, CancellationToken _) => Search(Catalog, s);

    private static Task<CatalogSearchResult> Search(IReadOnlyList<CatalogListing> catalog, CatalogSearch s)
    {
        var hits = catalog.Where(l => s.ProviderId is null || l.ProviderId == s.ProviderId).ToList();
        var facets = new CatalogFacets([], [new("TRAN", hits.Count)],
            [.. hits.GroupBy(l => l.ProviderId).Select(g => new FacetCount(g.Key, g.Count()))], [], [new("CC-BY-4.0", hits.Count)]);
        return Task.FromResult(new CatalogSearchResult([.. hits.Skip((s.Page - 1) * s.PageSize).Take(s.PageSize)], hits.Count, s.Page, s.PageSize, facets));
    }

    private static CatalogEntry Entry(CatalogListing l)
    {
        var metadata = new DatasetMetadata(l.Title, "", [.. l.Keywords], [.. l.Themes], "City", l.Licence, null, null, null, null, "ja");
        var dataset = new DatasetView(l.DatasetId, l.ProviderId, new DatasetDefinition(DatasetClass.Public, metadata,
            new DatasetSchema([new SchemaField("id", FieldType.String, true)], null)), [], Updated);
        var offering = new OfferingView(l.OfferingId, l.ProviderId,
            new OfferingDefinition(l.DatasetId, l.Title, "", PricingPlan.Free(Currency.JPY), UsagePolicy.Open, OfferingVisibility.Public, [], ApprovalMode.Automatic),
            OfferingStatus.Listed, DatasetClass.Public, Updated, l.UpdatedAt);
        return new CatalogEntry(offering, dataset, "Provider");
    }

    private static (CkanIndex Index, List<string> Built) Index()
    {
        var built = new List<string>();
        var index = new CkanIndex(Search, id =>
        {
            lock (built)
            {
                built.Add(id);
            }
            return Task.FromResult<CatalogEntry?>(Entry(Catalog.Single(l => l.OfferingId == id)));
        }, ids => Task.FromResult<IReadOnlyDictionary<string, string>>(ids.ToDictionary(i => i, i => i + " name")), "https://market.example");
        return (index, built);
    }

    [Fact]
    public async Task A_page_of_five_from_300_listings_builds_only_the_five_packages()
    {
        var (index, built) = Index();

        var result = await index.SearchAsync(CkanCatalog.Query(null, "organization:bus-co", "5", "7", null, ["[\"organization\",\"groups\"]"]), default);

        Assert.Equal(200, result.Count);
        Assert.Equal(5, built.Count);
        Assert.Equal(result.Results.Select(p => p.Name), built.Order(StringComparer.Ordinal));
        Assert.Equal(200, result.Facets["organization"]["bus-co"]);
    }

    [Fact]
    public async Task Filtering_on_tags_and_sorting_by_title_reads_listings_and_builds_only_the_page()
    {
        var (index, built) = Index();

        var result = await index.SearchAsync(CkanCatalog.Query(null, "tags:bus", "5", "0", "title_string desc", ["[\"tags\"]"]), default);

        Assert.Equal(150, result.Count);
        Assert.Equal(["offer-298", "offer-296", "offer-294", "offer-292", "offer-290"], result.Results.Select(p => p.Name));
        Assert.Equal(5, built.Count);
        Assert.Equal(150, result.Facets["tags"]["bus"]);
    }

    [Theory]
    [InlineData("organization:city", null, "[\"organization\",\"groups\",\"license_id\"]")]
    [InlineData("tags:bus", "title_string desc", "[\"tags\",\"organization\"]")]
    [InlineData("organization:bus-co tags:RAIL", "metadata_modified desc, name asc", "[\"tags\",\"groups\"]")]
    [InlineData("groups:TRAN", "name desc", "[\"res_format\",\"license_id\"]")]
    [InlineData(null, "metadata_created asc, name asc", "[\"organization\"]")]
    public async Task Searching_the_index_answers_what_searching_every_package_answers(string? fq, string? sort, string facets)
    {
        var (index, _) = Index();
        var query = CkanCatalog.Query(null, fq, "4", "3", sort, [facets]);
        var everything = Catalog.Select(l => CkanCatalog.Package(Entry(l), "https://market.example")).ToList();

        var fromIndex = await index.SearchAsync(query, default);
        var fromPackages = CkanCatalog.Search(everything, query);

        Assert.Equal(fromPackages.Count, fromIndex.Count);
        Assert.Equal(fromPackages.Results.Select(p => p.Name), fromIndex.Results.Select(p => p.Name));
        Assert.Equal(fromPackages.Facets.Keys, fromIndex.Facets.Keys);
        foreach (var (field, counts) in fromPackages.Facets)
        {
            Assert.Equal(counts, fromIndex.Facets[field]);
            Assert.Equal(fromPackages.SearchFacets[field].Items.Select(i => (i.Name, i.Count)), fromIndex.SearchFacets[field].Items.Select(i => (i.Name, i.Count)));
        }
    }

    [Fact]
    public async Task A_facet_on_res_format_builds_the_package_of_every_match()
    {
        var (index, built) = Index();

        var result = await index.SearchAsync(CkanCatalog.Query(null, "organization:city", "5", null, null, ["[\"res_format\"]"]), default);

        Assert.Equal(100, result.Count);
        Assert.Equal(100, built.Count);
        Assert.Equal(100, result.Facets["res_format"]["API"]);
    }

    [Fact]
    public async Task Res_format_past_the_scan_bound_is_a_validation_error_without_building_a_package()
    {
        var large = Enumerable.Range(0, CkanIndex.MaxPackageScan + 1).Select(Listing).ToList();
        var built = 0;
        var index = new CkanIndex((s, _) => Search(large, s), _ =>
        {
            Interlocked.Increment(ref built);
            return Task.FromResult<CatalogEntry?>(null);
        },
            ids => Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>()), "https://market.example");

        var refusal = await Assert.ThrowsAsync<CkanRefusal>(() => index.SearchAsync(CkanCatalog.Query(null, "res_format:CSV", null, null, null, []), default));

        Assert.Equal((409, "Validation Error"), (refusal.Status, refusal.Type));
        Assert.Equal(0, built);
    }
}
