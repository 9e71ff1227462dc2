namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every <see cref="ICatalogIndex"/> adapter shares.</summary>
public abstract class CatalogIndexConformance
{
    /// <summary>Opens an index over this test's own, initially empty storage.</summary>
    protected abstract Task<ICatalogIndex> OpenIndexAsync();

    [Fact]
    public async Task Text_finds_listings_by_a_word_of_the_title()
    {
        var index = await SeededAsync(
            Listing("o-1", title: "Bus stop locations"),
            Listing("o-2", title: "Air quality sensors"));

        var result = await index.SearchAsync(new CatalogQuery(Text: "stop"));

        Assert.Equal(["o-1"], Ids(result));
        Assert.Equal(1, result.Total);
    }

    [Fact]
    public async Task The_last_term_matches_as_a_prefix()
    {
        var index = await SeededAsync(Listing("o-1", title: "Parking occupancy"), Listing("o-2", title: "Park benches"));

        Assert.Equal(["o-1"], Ids(await index.SearchAsync(new CatalogQuery(Text: "parki"))));
    }

    [Fact]
    public async Task Every_term_must_match()
    {
        var index = await SeededAsync(
            Listing("o-1", title: "Bus stop locations", description: "Every stop of the city buses"),
            Listing("o-2", title: "Tram stop locations"));

        Assert.Equal(["o-1"], Ids(await index.SearchAsync(new CatalogQuery(Text: "stop bus"))));
    }

    [Fact]
    public async Task Text_matches_description_keywords_themes_and_provider_name()
    {
        var index = await SeededAsync(
            Listing("o-1", description: "Hourly ridership counts"),
            Listing("o-2", keywords: ["ridership"]),
            Listing("o-3", themes: ["ridership"]),
            Listing("o-4", providerName: "Ridership Analytics Ltd"),
            Listing("o-5", title: "Unrelated"));

        Assert.Equal(["o-1", "o-2", "o-3", "o-4"], Ids(await index.SearchAsync(new CatalogQuery(Text: "ridership"))).Order());
    }

    [Fact]
    public async Task A_title_match_ranks_above_a_description_match()
    {
        var index = await SeededAsync(
            Listing("o-1", title: "City datasets", description: "Includes noise measurements near schools"),
            Listing("o-2", title: "Noise measurements", description: "Street level sound"));

        Assert.Equal(["o-2", "o-1"], Ids(await index.SearchAsync(new CatalogQuery(Text: "noise"))));
    }

    [Theory]
    [InlineData("バス停")]
    [InlineData("バス")]
    [InlineData("停留所")]
    public async Task Japanese_text_is_found_inside_words_written_without_spaces(string text)
    {
        var index = await SeededAsync(
            Listing("o-1", title: "市営バス停留所の位置", description: "市内のすべてのバス停留所"),
            Listing("o-2", title: "人口統計", description: "区別の人口"));

        Assert.Equal(["o-1"], Ids(await index.SearchAsync(new CatalogQuery(Text: text))));
    }

    [Fact]
    public async Task A_two_character_japanese_term_is_found()
    {
        var index = await SeededAsync(Listing("o-1", title: "市営バス停留所の位置"), Listing("o-2", title: "人口統計"));

        Assert.Equal(["o-2"], Ids(await index.SearchAsync(new CatalogQuery(Text: "人口"))));
    }

    [Fact]
    public async Task Japanese_characters_out_of_order_do_not_match()
    {
        var index = await SeededAsync(Listing("o-1", title: "市営バス停留所の位置"));

        Assert.Empty((await index.SearchAsync(new CatalogQuery(Text: "停バス"))).Items);
    }

    [Theory]
    [InlineData("\"foo AND (")]
    [InlineData("foo\" OR \"")]
    [InlineData("title:foo")]
    [InlineData("NEAR(foo bar")]
    [InlineData("foo*")]
    [InlineData("-foo")]
    [InlineData("^foo")]
    [InlineData("{foo}")]
    public async Task Hostile_input_is_searched_as_plain_words(string text)
    {
        var index = await SeededAsync(Listing("o-1", title: "Near foo, title foo and or bar"), Listing("o-2", title: "Other"));

        var result = await index.SearchAsync(new CatalogQuery(Text: text));

        Assert.Equal(["o-1"], Ids(result));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("()*:")]
    [InlineData("   ")]
    [InlineData("")]
    public async Task Input_without_any_word_lists_everything(string text)
    {
        var index = await SeededAsync(Listing("o-1", title: "B"), Listing("o-2", title: "A"));

        Assert.Equal(["o-2", "o-1"], Ids(await index.SearchAsync(new CatalogQuery(Text: text))));
    }

    [Fact]
    public async Task Without_text_listings_are_ordered_by_title()
    {
        var index = await SeededAsync(Listing("o-1", title: "charlie"), Listing("o-2", title: "Alpha"), Listing("o-3", title: "bravo"));

        Assert.Equal(["o-2", "o-3", "o-1"], Ids(await index.SearchAsync(new CatalogQuery())));
    }

    [Fact]
    public async Task Filters_narrow_by_class_theme_provider_price_model_and_free()
    {
        var index = await SeededAsync(
            Listing("o-1", datasetClass: "Public", themes: ["TRAN"], providerId: "p-1", priceModel: "Free", isFree: true),
            Listing("o-2", datasetClass: "Private", themes: ["TRAN", "ENVI"], providerId: "p-1", priceModel: "PerRecord"),
            Listing("o-3", datasetClass: "Personal", themes: ["HEAL"], providerId: "p-2", priceModel: "Subscription"),
            Listing("o-4", datasetClass: "Public", themes: ["ENVI"], providerId: "p-2", priceModel: "PerRecord"));

        Assert.Equal(["o-1", "o-4"], Ids(await index.SearchAsync(new CatalogQuery(DatasetClass: "Public"))));
        Assert.Equal(["o-2", "o-4"], Ids(await index.SearchAsync(new CatalogQuery(Theme: "ENVI"))));
        Assert.Equal(["o-3", "o-4"], Ids(await index.SearchAsync(new CatalogQuery(ProviderId: "p-2"))));
        Assert.Equal(["o-2", "o-4"], Ids(await index.SearchAsync(new CatalogQuery(PriceModel: "PerRecord"))));
        Assert.Equal(["o-1"], Ids(await index.SearchAsync(new CatalogQuery(FreeOnly: true))));
        Assert.Equal(["o-2"], Ids(await index.SearchAsync(new CatalogQuery(Theme: "TRAN", PriceModel: "PerRecord"))));
    }

    [Fact]
    public async Task Facets_count_the_whole_filtered_result_not_just_the_page()
    {
        var index = await SeededAsync(
            Listing("o-1", datasetClass: "Public", themes: ["TRAN"], providerId: "p-1", priceModel: "Free", isFree: true),
            Listing("o-2", datasetClass: "Private", themes: ["TRAN", "ENVI"], providerId: "p-1", priceModel: "PerRecord"),
            Listing("o-3", datasetClass: "Personal", themes: ["HEAL"], providerId: "p-2", priceModel: "Subscription"),
            Listing("o-4", datasetClass: "Public", themes: ["ENVI"], providerId: "p-2", priceModel: "PerRecord"),
            Listing("o-5", datasetClass: "Public", themes: ["TRAN"], providerId: "p-3", priceModel: "PerRecord", title: "Excluded", description: "Matches no search term"));

        var result = await index.SearchAsync(new CatalogQuery(Text: "sensor", PageSize: 1));

        Assert.Single(result.Items);
        Assert.Equal(4, result.Total);
        Assert.Equal([new FacetCount("Public", 2), new FacetCount("Personal", 1), new FacetCount("Private", 1)], result.Facets.Classes);
        Assert.Equal([new FacetCount("ENVI", 2), new FacetCount("TRAN", 2), new FacetCount("HEAL", 1)], result.Facets.Themes);
        Assert.Equal([new FacetCount("p-1", 2), new FacetCount("p-2", 2)], result.Facets.Providers);
        Assert.Equal([new FacetCount("PerRecord", 2), new FacetCount("Free", 1), new FacetCount("Subscription", 1)], result.Facets.PriceModels);
    }

    [Fact]
    public async Task Facets_follow_the_filters()
    {
        var index = await SeededAsync(
            Listing("o-1", datasetClass: "Public", providerId: "p-1"),
            Listing("o-2", datasetClass: "Private", providerId: "p-1"),
            Listing("o-3", datasetClass: "Public", providerId: "p-2"));

        var result = await index.SearchAsync(new CatalogQuery(ProviderId: "p-1"));

        Assert.Equal([new FacetCount("Private", 1), new FacetCount("Public", 1)], result.Facets.Classes);
        Assert.Equal([new FacetCount("p-1", 2)], result.Facets.Providers);
    }

    [Fact]
    public async Task A_private_listing_shows_only_to_its_buyers_and_to_operators()
    {
        var index = await SeededAsync(
            Listing("o-public"),
            Listing("o-private", isPublic: false, visibleTo: ["buyer-1", "buyer-2"]));

        Assert.Equal(["o-public"], Ids(await index.SearchAsync(new CatalogQuery())));
        Assert.Equal(["o-public"], Ids(await index.SearchAsync(new CatalogQuery(ViewerBuyerId: "buyer-3"))));
        Assert.Equal(["o-private", "o-public"], Ids(await index.SearchAsync(new CatalogQuery(ViewerBuyerId: "buyer-2"))).Order());
        Assert.Equal(["o-private", "o-public"], Ids(await index.SearchAsync(new CatalogQuery(ViewerSeesAll: true))).Order());
    }

    [Fact]
    public async Task Hidden_listings_count_in_neither_total_nor_facets()
    {
        var index = await SeededAsync(
            Listing("o-public", datasetClass: "Public"),
            Listing("o-private", datasetClass: "Private", isPublic: false, visibleTo: ["buyer-1"]));

        var result = await index.SearchAsync(new CatalogQuery(Text: "sensors"));

        Assert.Equal(1, result.Total);
        Assert.Equal([new FacetCount("Public", 1)], result.Facets.Classes);
    }

    [Fact]
    public async Task Pages_split_the_result_and_each_carries_the_total()
    {
        var index = await SeededAsync([.. Enumerable.Range(0, 25).Select(i => Listing($"o-{i:00}", title: $"Sensor {i:00}"))]);

        var pages = new[]
        {
            await index.SearchAsync(new CatalogQuery(Page: 1, PageSize: 10)),
            await index.SearchAsync(new CatalogQuery(Page: 2, PageSize: 10)),
            await index.SearchAsync(new CatalogQuery(Page: 3, PageSize: 10)),
            await index.SearchAsync(new CatalogQuery(Page: 4, PageSize: 10)),
        };

        Assert.Equal([10, 10, 5, 0], pages.Select(p => p.Items.Count));
        Assert.All(pages, p => Assert.Equal(25, p.Total));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"o-{i:00}"), pages.SelectMany(Ids));
        Assert.Equal([1, 2, 3, 4], pages.Select(p => p.Page));
    }

    [Theory]
    [InlineData(0, 0, 1, 1)]
    [InlineData(-3, 500, 1, 100)]
    [InlineData(2, 7, 2, 7)]
    public async Task Page_and_page_size_are_clamped(int page, int pageSize, int expectedPage, int expectedPageSize)
    {
        var index = await SeededAsync(Listing("o-1"));

        var result = await index.SearchAsync(new CatalogQuery(Page: page, PageSize: pageSize));

        Assert.Equal(expectedPage, result.Page);
        Assert.Equal(expectedPageSize, result.PageSize);
    }

    [Fact]
    public async Task A_listing_reads_back_with_every_field()
    {
        var listing = Listing("o-1", keywords: ["bus", "停留所"], themes: ["TRAN"], isPublic: false, visibleTo: ["buyer-1"]);
        var index = await SeededAsync(listing);

        var found = Assert.Single((await index.SearchAsync(new CatalogQuery(ViewerSeesAll: true))).Items);

        AssertSameListing(listing, found);
    }

    [Fact]
    public async Task Upsert_replaces_the_listing_and_its_searchable_text()
    {
        var index = await SeededAsync(Listing("o-1", title: "Old traffic counts", themes: ["TRAN"]));

        var replaced = Listing("o-1", title: "New noise levels", themes: ["ENVI"]);
        await index.UpsertAsync(replaced);

        Assert.Empty((await index.SearchAsync(new CatalogQuery(Text: "traffic"))).Items);
        AssertSameListing(replaced, Assert.Single((await index.SearchAsync(new CatalogQuery(Text: "noise"))).Items));
        var all = await index.SearchAsync(new CatalogQuery());
        Assert.Equal(1, all.Total);
        Assert.Equal([new FacetCount("ENVI", 1)], all.Facets.Themes);
    }

    [Fact]
    public async Task Remove_takes_the_listing_out_of_search_and_browse()
    {
        var index = await SeededAsync(Listing("o-1", title: "Bus stops"), Listing("o-2", title: "Bus lanes"));

        await index.RemoveAsync("o-1");

        Assert.Equal(["o-2"], Ids(await index.SearchAsync(new CatalogQuery(Text: "bus"))));
        Assert.Equal(["o-2"], Ids(await index.SearchAsync(new CatalogQuery())));
    }

    [Fact]
    public async Task Newest_sorts_by_the_update_instant_most_recent_first_whatever_the_offset()
    {
        var index = await SeededAsync(
            // 10:00 in Tokyo is 01:00 UTC: earlier than 02:00 UTC, though its text sorts later.
            Listing("o-tokyo", title: "A", updatedAt: new DateTimeOffset(2025, 4, 1, 10, 0, 0, TimeSpan.FromHours(9))),
            Listing("o-utc", title: "B", updatedAt: new DateTimeOffset(2025, 4, 1, 2, 0, 0, TimeSpan.Zero)),
            Listing("o-old", title: "C", updatedAt: new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        var result = await index.SearchAsync(new CatalogQuery(Sort: CatalogSort.Newest));

        Assert.Equal(["o-utc", "o-tokyo", "o-old"], Ids(result));
    }

    [Fact]
    public async Task Price_sorts_lowest_first_with_unknown_prices_last_and_ties_by_title()
    {
        var index = await SeededAsync(
            Listing("o-unknown", title: "A unknown", priceMinor: null),
            Listing("o-dear", title: "B dear", priceMinor: 30_000),
            Listing("o-free", title: "C free", isFree: true, priceMinor: 0),
            Listing("o-cheap-d", title: "D cheap", priceMinor: 2),
            Listing("o-cheap-c", title: "c cheap", priceMinor: 2));

        var result = await index.SearchAsync(new CatalogQuery(Sort: CatalogSort.Price));

        Assert.Equal(["o-free", "o-cheap-c", "o-cheap-d", "o-dear", "o-unknown"], Ids(result));
    }

    [Fact]
    public async Task A_sort_applies_to_text_search_and_paging()
    {
        var index = await SeededAsync(
            Listing("o-1", title: "Noise measurements", priceMinor: 50),
            Listing("o-2", title: "City data", description: "noise near schools", priceMinor: 10),
            Listing("o-3", title: "Noise map", priceMinor: 20),
            Listing("o-4", title: "Unrelated", priceMinor: 1));

        var first = await index.SearchAsync(new CatalogQuery(Text: "noise", Sort: CatalogSort.Price, PageSize: 2));
        var second = await index.SearchAsync(new CatalogQuery(Text: "noise", Sort: CatalogSort.Price, Page: 2, PageSize: 2));

        Assert.Equal(["o-2", "o-3"], Ids(first));
        Assert.Equal(["o-1"], Ids(second));
        Assert.Equal(3, first.Total);
    }

    [Fact]
    public async Task Relevance_sort_is_the_default_order()
    {
        var index = await SeededAsync(
            Listing("o-1", title: "City datasets", description: "Includes noise measurements near schools", priceMinor: 1),
            Listing("o-2", title: "Noise measurements", description: "Street level sound", priceMinor: 9));

        var byDefault = await index.SearchAsync(new CatalogQuery(Text: "noise"));
        var byRelevance = await index.SearchAsync(new CatalogQuery(Text: "noise", Sort: CatalogSort.Relevance));

        Assert.Equal(["o-2", "o-1"], Ids(byRelevance));
        Assert.Equal(Ids(byRelevance), Ids(byDefault));
    }

    [Fact]
    public async Task Licence_facet_counts_the_matching_listings_per_licence()
    {
        var index = await SeededAsync(
            Listing("o-1", licence: "CC-BY-4.0"),
            Listing("o-2", licence: "CC-BY-4.0"),
            Listing("o-3", licence: "ODbL-1.0"),
            Listing("o-4", licence: "ODbL-1.0", isPublic: false));

        var result = await index.SearchAsync(new CatalogQuery());

        Assert.Equal([new FacetCount("CC-BY-4.0", 2), new FacetCount("ODbL-1.0", 1)], result.Facets.Licences);
    }

    [Fact]
    public async Task Licence_filter_keeps_only_that_licence_and_narrows_the_other_facets()
    {
        var index = await SeededAsync(
            Listing("o-1", licence: "CC-BY-4.0", datasetClass: "public"),
            Listing("o-2", licence: "ODbL-1.0", datasetClass: "private"),
            Listing("o-3", licence: "ODbL-1.0", datasetClass: "private"));

        var result = await index.SearchAsync(new CatalogQuery(Licence: "ODbL-1.0"));

        Assert.Equal(["o-2", "o-3"], Ids(result));
        Assert.Equal([new FacetCount("private", 2)], result.Facets.Classes);
        Assert.Equal([new FacetCount("ODbL-1.0", 2)], result.Facets.Licences);
    }

    [Fact]
    public async Task A_listing_without_a_price_reads_back_with_none()
    {
        var index = await SeededAsync(Listing("o-1", priceMinor: null));

        var result = await index.SearchAsync(new CatalogQuery());

        Assert.Null(Assert.Single(result.Items).PriceMinor);
    }

    [Fact]
    public async Task A_harvested_listing_reads_back_with_its_origin_and_an_own_listing_with_none()
    {
        var origin = new Marketplace.Domain.Harvest.ListingOrigin("hs-b", "City B", "bus", "City B transit", "https://b.example/offerings/bus",
            [new Marketplace.Domain.Harvest.HarvestedResource("CSV", "https://b.example/bus.csv", "CSV")], new DateTimeOffset(2026, 11, 30, 1, 2, 3, TimeSpan.Zero));
        var index = await SeededAsync(Listing("o-1") with { Origin = origin }, Listing("o-2"));

        var items = (await index.SearchAsync(new CatalogQuery())).Items.OrderBy(i => i.OfferingId, StringComparer.Ordinal).ToList();

        Assert.True(origin.SameContentAs(items[0].Origin));
        Assert.Equal(origin.HarvestedAt, items[0].Origin!.HarvestedAt);
        Assert.Null(items[1].Origin);
    }

    [Fact]
    public async Task Removing_an_unknown_listing_does_nothing()
    {
        var index = await SeededAsync(Listing("o-1"));

        await index.RemoveAsync("o-unknown");

        Assert.Equal(["o-1"], Ids(await index.SearchAsync(new CatalogQuery())));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("buyer-1", false)]
    [InlineData("buyer-2", false)]
    [InlineData(null, true)]
    public async Task The_whole_catalog_s_total_and_facets_follow_every_change_and_removal(string? buyer, bool seesAll)
    {
        var index = await SeededAsync(
            Listing("o-1", datasetClass: "Public", themes: ["TRAN", "ENVI"], providerId: "p-1", licence: "CC0-1.0"),
            Listing("o-2", datasetClass: "Private", themes: ["TRAN"], providerId: "p-2", isPublic: false, visibleTo: ["buyer-1"]),
            Listing("o-3", datasetClass: "Personal", themes: ["HEAL"], providerId: "p-2", priceModel: "Free", isFree: true),
            Listing("o-4", datasetClass: "Public", themes: ["ENVI"], providerId: "p-3", isPublic: false, visibleTo: ["buyer-2"]));
        CatalogListing[] now =
        [
            Listing("o-1", datasetClass: "Private", themes: ["ECON"], providerId: "p-2", licence: "ODbL-1.0", isPublic: false, visibleTo: ["buyer-1"]),
            Listing("o-3", datasetClass: "Personal", themes: ["HEAL"], providerId: "p-2", priceModel: "Free", isFree: true),
            Listing("o-4", datasetClass: "Public", themes: ["ENVI"], providerId: "p-3", isPublic: false, visibleTo: ["buyer-2"]),
            Listing("o-5", datasetClass: "Public", themes: ["TRAN", "TRAN"], providerId: "p-1"),
        ];

        await index.UpsertAsync(now[0]); // every facet value and the visibility change
        await index.UpsertAsync(now[1]); // stored again unchanged
        await index.RemoveAsync("o-2");
        await index.UpsertAsync(now[3]);
        var result = await index.SearchAsync(new CatalogQuery(ViewerBuyerId: buyer, ViewerSeesAll: seesAll));

        var seen = now.Where(l => seesAll || l.IsPublic || (buyer is not null && l.VisibleToBuyers.Contains(buyer))).ToArray();
        Assert.Equal(seen.Length, result.Total);
        Assert.Equal(Counted(seen.Select(l => l.DatasetClass)), result.Facets.Classes);
        Assert.Equal(Counted(seen.SelectMany(l => l.Themes.Distinct())), result.Facets.Themes);
        Assert.Equal(Counted(seen.Select(l => l.ProviderId)), result.Facets.Providers);
        Assert.Equal(Counted(seen.Select(l => l.PriceModel)), result.Facets.PriceModels);
        Assert.Equal(Counted(seen.Select(l => l.Licence)), result.Facets.Licences);
    }

    [Fact]
    public async Task A_theme_named_twice_by_one_listing_counts_it_once_in_a_search()
    {
        var index = await SeededAsync(
            Listing("o-1", themes: ["TRAN", "TRAN", "ENVI"]),
            Listing("o-2", themes: ["TRAN"]));

        var result = await index.SearchAsync(new CatalogQuery(Text: "sensors"));

        Assert.Equal([new FacetCount("TRAN", 2), new FacetCount("ENVI", 1)], result.Facets.Themes);
    }

    /// <summary>Facet counts as every index orders them: most first, then by value.</summary>
    protected static FacetCount[] Counted(IEnumerable<string> values) =>
        [.. values.CountBy(v => v).Select(c => new FacetCount(c.Key, c.Value)).OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)];

    protected static CatalogListing Listing(
        string offeringId,
        string title = "City sensors",
        string description = "Readings from city sensors",
        string[]? keywords = null,
        string[]? themes = null,
        string datasetClass = "Public",
        string providerId = "p-1",
        string providerName = "City of Example",
        string priceModel = "PerRecord",
        bool isFree = false,
        bool isPublic = true,
        string[]? visibleTo = null,
        string licence = "CC-BY-4.0",
        DateTimeOffset? updatedAt = null,
        long? priceMinor = 1) =>
        new(offeringId, $"d-{offeringId}", providerId, providerName, title, description, keywords ?? [], themes ?? [],
            datasetClass, priceModel, isFree, isFree ? "Free" : "¥1 per record", isPublic, visibleTo ?? [], licence,
            updatedAt ?? new DateTimeOffset(2025, 4, 1, 9, 30, 0, TimeSpan.FromHours(9)), priceMinor);

    private async Task<ICatalogIndex> SeededAsync(params CatalogListing[] listings)
    {
        var index = await OpenIndexAsync();
        foreach (var listing in listings)
        {
            await index.UpsertAsync(listing);
        }

        return index;
    }

    private static readonly string[] None = [];

    private static string[] Ids(CatalogSearchResult result) => [.. result.Items.Select(i => i.OfferingId)];

    private static void AssertSameListing(CatalogListing expected, CatalogListing actual)
    {
        // Lists compare by reference in record equality, so compare them by content.
        Assert.Equal(expected with { Keywords = None, Themes = None, VisibleToBuyers = None }, actual with { Keywords = None, Themes = None, VisibleToBuyers = None });
        Assert.Equal(expected.Keywords, actual.Keywords);
        Assert.Equal(expected.Themes, actual.Themes);
        Assert.Equal(expected.VisibleToBuyers, actual.VisibleToBuyers);
        Assert.Equal(expected.UpdatedAt.Offset, actual.UpdatedAt.Offset);
    }
}
