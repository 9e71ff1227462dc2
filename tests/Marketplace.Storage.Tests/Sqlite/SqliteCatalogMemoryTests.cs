using System.Globalization;
using Marketplace.Storage.Sqlite;

namespace Marketplace.Storage.Tests.Sqlite;

/// <summary>
/// The in-memory search answers exactly as the tables (FTS5 with bm25, and SQL) answered before it: same items in the
/// same order, same totals and facets, over a varied generated catalog and many query shapes; and the copy follows
/// every write of its process, including those made while it loads.
/// </summary>
public sealed class SqliteCatalogMemoryTests : IAsyncLifetime
{
    private static readonly string[] Words =
    [
        "Bus", "bus", "stops", "stop", "Parking", "park", "air", "quality", "noise", "Café", "cafe", "naïve", "river", "levels",
        "traffic", "counts", "library", "loans", "water", "usage", "census", "ridership", "Zürich", "ZEBRA", "zebra", "Émile",
        "バス停", "駐車場", "大気質", "人口統計", "市営バス停留所", "図書館", "避難所", "ｶﾀｶﾅ", "ＡＢＣ", "2024", "v2", "Ünïcode", "e\u0301cole", "\u0301",
    ];

    private static readonly string[] Queries =
    [
        "bus", "Bus stop", "stop bus", "park", "parki", "b", "cafe", "café", "naive", "zur", "zurich", "zebra", "emile", "バス",
        "バス停", "停留所", "駐車", "人口", "図書", "ｶﾀ", "abc", "2024", "v", "noise levels", "air q", "river level", "x-ray",
        "bus バス", "quality air noise", "counts 2024", "ecole", "école",
    ];

    private readonly SqliteTestFiles files = new();

    [Fact]
    public async Task Searches_in_memory_answer_as_the_tables_do_for_every_query_shape()
    {
        var index = files.Open(database => new SqliteCatalogIndex(database));
        var random = new Random(13);
        await index.UpsertBatchAsync([.. Enumerable.Range(0, 600).Select(i => Generated(i, random))]);
        await index.SearchAsync(new CatalogQuery());
        // Replaced and removed listings too, so the word index and the counts have undone entries, and the browse
        // orders are updated in place (a search after each change) rather than made again.
        await index.UpsertBatchAsync([.. Enumerable.Range(0, 60).Select(i => Generated(i * 7, random))]);
        for (var i = 0; i < 30; i++)
        {
            await index.RemoveAsync(Id(i * 11));
            await index.UpsertAsync(Generated(600 + i, random));
            await index.SearchAsync(new CatalogQuery(Sort: CatalogSort.Price));
        }

        var compared = 0;
        foreach (var query in QueryShapes())
        {
            var memory = await index.SearchAsync(query);
            var tables = await index.SearchTablesAsync(query);

            Assert.True(Same(tables, memory), $"{query}: tables {Describe(tables)} but memory {Describe(memory)}");
            compared += memory.Items.Count;
        }

        Assert.True(compared > 1_000, $"only {compared} items compared");
    }

    [Fact]
    public async Task A_new_index_over_stored_listings_loads_them_and_then_follows_its_own_writes()
    {
        string? path = null;
        var first = files.Open(database => { path = database.FilePath; return new SqliteCatalogIndex(database); });
        var random = new Random(5);
        await first.UpsertBatchAsync([.. Enumerable.Range(0, 50).Select(i => Generated(i, random))]);
        await files.CloseAsync(first);

        var reopened = files.Open(database => new SqliteCatalogIndex(database));
        await reopened.LoadAsync();
        await reopened.RemoveAsync(Id(3));
        await reopened.UpsertAsync(Generated(50, random));

        var all = await reopened.SearchAsync(new CatalogQuery(ViewerSeesAll: true, PageSize: 100));
        Assert.Equal(50, all.Total);
        Assert.Contains(Id(50), all.Items.Select(i => i.OfferingId));
        Assert.DoesNotContain(Id(3), all.Items.Select(i => i.OfferingId));
        Assert.Equal(50, reopened.LoadedCount);
    }

    [Fact]
    public async Task Writes_while_the_copy_loads_are_all_in_it_once_loaded()
    {
        var index = files.Open(database => new SqliteCatalogIndex(database));
        var random = new Random(7);
        await index.UpsertBatchAsync([.. Enumerable.Range(0, 2_000).Select(i => Generated(i, random))]);
        var reopened = files.Open(database => new SqliteCatalogIndex(database));

        var load = reopened.LoadAsync();
        var writes = Enumerable.Range(2_000, 40).Select(i => reopened.UpsertAsync(Generated(i, random))).ToList();
        writes.Add(reopened.RemoveAsync(Id(0)));
        await Task.WhenAll(writes.Append(load));

        var all = await reopened.SearchAsync(new CatalogQuery(ViewerSeesAll: true));
        Assert.Equal(2_039, all.Total);
        Assert.Equal((await reopened.SearchTablesAsync(new CatalogQuery(ViewerSeesAll: true))).Facets.Providers, all.Facets.Providers);
    }

    private static IEnumerable<CatalogQuery> QueryShapes()
    {
        CatalogSort?[] sorts = [null, CatalogSort.Relevance, CatalogSort.Newest, CatalogSort.Price];
        foreach (var text in Queries.Append(null))
        {
            foreach (var sort in sorts)
            {
                yield return new CatalogQuery(Text: text, Sort: sort, PageSize: 100);
                yield return new CatalogQuery(Text: text, Sort: sort, Page: 2, PageSize: 7, ViewerBuyerId: "buyer-1");
                yield return new CatalogQuery(Text: text, Sort: sort, ViewerSeesAll: true, PageSize: 50);
            }

            yield return new CatalogQuery(Text: text, DatasetClass: "public", Theme: "TRAN", PageSize: 100);
            yield return new CatalogQuery(Text: text, ProviderId: "prov-3", FreeOnly: true, ViewerSeesAll: true);
            yield return new CatalogQuery(Text: text, PriceModel: "tiered", Licence: "CC0-1.0", ViewerBuyerId: "buyer-2");
            yield return new CatalogQuery(Text: text, Theme: "NOPE", Licence: "unknown");
        }
    }

    private static CatalogListing Generated(int i, Random random)
    {
        string Text(int words) => string.Join(random.Next(4) == 0 ? ", " : " ", Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));
        var restricted = random.Next(5) == 0;
        return new CatalogListing(
            OfferingId: Id(i),
            DatasetId: "ds-" + i.ToString(CultureInfo.InvariantCulture),
            ProviderId: "prov-" + random.Next(6).ToString(CultureInfo.InvariantCulture),
            ProviderName: Text(2),
            // Few title shapes, so ties in relevance and title are common and the tie-breaks matter.
            Title: random.Next(3) == 0 ? "Bus stops" : Text(random.Next(1, 5)),
            Description: Text(random.Next(0, 25)),
            Keywords: [.. Enumerable.Range(0, random.Next(4)).Select(_ => Words[random.Next(Words.Length)])],
            Themes: [.. new[] { "TRAN", "ENVI", "SOCI", "TRAN" }.Take(random.Next(0, 5))],
            DatasetClass: random.Next(3) switch { 0 => "public", 1 => "private", _ => "personal" },
            PriceModel: random.Next(3) switch { 0 => "free", 1 => "flat", _ => "tiered" },
            IsFree: random.Next(2) == 0,
            PriceSummary: "¥1",
            IsPublic: !restricted,
            VisibleToBuyers: restricted ? ["buyer-" + random.Next(3).ToString(CultureInfo.InvariantCulture)] : [],
            Licence: random.Next(2) == 0 ? "CC0-1.0" : "CC-BY-4.0",
            // Whole minutes apart, some equal, some in other offsets (same instant written differently).
            UpdatedAt: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(random.Next(2) * 9)).AddMinutes(random.Next(40))
                .AddTicks(random.Next(3) == 0 ? random.Next(10_000) : 0),
            PriceMinor: random.Next(4) == 0 ? null : random.Next(3));
    }

    private static string Id(int i) => "o-" + i.ToString("D4", CultureInfo.InvariantCulture);

    private static bool Same(CatalogSearchResult x, CatalogSearchResult y) =>
        x.Total == y.Total && x.Page == y.Page && x.PageSize == y.PageSize
        && x.Items.Select(i => i.OfferingId).SequenceEqual(y.Items.Select(i => i.OfferingId))
        && x.Items.SequenceEqual(y.Items, ListingComparer.Instance)
        && x.Facets.Classes.SequenceEqual(y.Facets.Classes) && x.Facets.Themes.SequenceEqual(y.Facets.Themes)
        && x.Facets.Providers.SequenceEqual(y.Facets.Providers) && x.Facets.PriceModels.SequenceEqual(y.Facets.PriceModels)
        && x.Facets.Licences.SequenceEqual(y.Facets.Licences);

    private static string Describe(CatalogSearchResult result) =>
        $"total {result.Total} [{string.Join(", ", result.Items.Select(i => i.OfferingId))}] themes "
        + string.Join(", ", result.Facets.Themes.Select(f => $"{f.Value}={f.Count}"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();

    private sealed class ListingComparer : IEqualityComparer<CatalogListing>
    {
        public static readonly ListingComparer Instance = new();

        public bool Equals(CatalogListing? x, CatalogListing? y) =>
            x is not null && y is not null && x.OfferingId == y.OfferingId && x.Title == y.Title && x.Description == y.Description
            && x.Keywords.SequenceEqual(y.Keywords) && x.Themes.SequenceEqual(y.Themes) && x.VisibleToBuyers.SequenceEqual(y.VisibleToBuyers)
            && x.UpdatedAt == y.UpdatedAt && x.UpdatedAt.Offset == y.UpdatedAt.Offset && x.PriceMinor == y.PriceMinor
            && x with { Keywords = [], Themes = [], VisibleToBuyers = [] } == y with { Keywords = [], Themes = [], VisibleToBuyers = [] };

        public int GetHashCode(CatalogListing obj) => obj.OfferingId.GetHashCode(StringComparison.Ordinal);
    }
}
