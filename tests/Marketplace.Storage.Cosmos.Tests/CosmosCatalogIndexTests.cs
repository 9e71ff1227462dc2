using Marketplace.Storage.Cosmos.Catalog;
using Marketplace.Storage.Tests.Conformance;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosCatalogIndexTests(CosmosServer server) : CatalogIndexConformance, IAsyncLifetime
{
    private static readonly TimeSpan FeedInterval = TimeSpan.FromSeconds(1);

    private readonly CosmosTestStores stores = new(server);

    protected override Task<ICatalogIndex> OpenIndexAsync() => Task.FromResult<ICatalogIndex>(new CosmosCatalogIndex(stores.Open()));

    [Fact]
    public async Task Search_reads_every_hit_across_many_query_pages()
    {
        var index = await OpenIndexAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1_200), async (i, _) =>
            await index.UpsertAsync(Listing($"o-{i:0000}", title: $"Sensor {i:0000}", themes: [i % 3 == 0 ? "TRAN" : "ENVI"])));

        var result = await index.SearchAsync(new CatalogQuery(Text: "sensor", Page: 12, PageSize: 100));

        Assert.Equal(1_200, result.Total);
        Assert.Equal(Enumerable.Range(1_100, 100).Select(i => $"o-{i:0000}"), result.Items.Select(l => l.OfferingId));
        Assert.Equal([new FacetCount("ENVI", 800), new FacetCount("TRAN", 400)], result.Facets.Themes);
    }

    [Fact]
    public async Task Accents_and_letter_case_do_not_matter_but_japanese_voicing_marks_do()
    {
        var index = await OpenIndexAsync();
        await index.UpsertAsync(Listing("o-1", title: "Café terraces"));
        await index.UpsertAsync(Listing("o-2", title: "バス停"));

        Assert.Equal(["o-1"], (await index.SearchAsync(new CatalogQuery(Text: "CAFE"))).Items.Select(l => l.OfferingId));
        Assert.Empty((await index.SearchAsync(new CatalogQuery(Text: "ハス"))).Items);
        Assert.Equal(["o-2"], (await index.SearchAsync(new CatalogQuery(Text: "ﾊﾞｽ"))).Items.Select(l => l.OfferingId));
    }

    [Fact]
    public async Task A_listing_written_through_one_silo_is_searchable_on_another_one_feed_interval_later()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var writer = new CosmosCatalogIndex(stores.Open());
        await using var reader = new CosmosCatalogIndex(stores.Open(options => options.CatalogFeedInterval = FeedInterval, time));
        await reader.StartAsync();

        await writer.UpsertAsync(Listing("o-1", title: "Bus stops"));
        var polled = reader.NextPollAsync();
        time.Advance(FeedInterval);
        await polled;

        Assert.Equal(["o-1"], (await reader.SearchAsync(new CatalogQuery(Text: "bus"))).Items.Select(l => l.OfferingId));
    }

    [Fact]
    public async Task Another_silo_does_not_read_the_store_between_feed_intervals()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var writer = new CosmosCatalogIndex(stores.Open());
        await using var reader = new CosmosCatalogIndex(stores.Open(options => options.CatalogFeedInterval = FeedInterval, time));
        await reader.StartAsync();

        await writer.UpsertAsync(Listing("o-1", title: "Bus stops"));
        time.Advance(FeedInterval - TimeSpan.FromMilliseconds(1));

        Assert.Empty((await reader.SearchAsync(new CatalogQuery(Text: "bus"))).Items);
    }

    [Fact]
    public async Task A_listing_removed_through_one_silo_leaves_another_one_feed_interval_later()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var writer = new CosmosCatalogIndex(stores.Open());
        await writer.UpsertAsync(Listing("o-1", title: "Bus stops"));
        await writer.UpsertAsync(Listing("o-2", title: "Bus lanes"));
        await using var reader = new CosmosCatalogIndex(stores.Open(options => options.CatalogFeedInterval = FeedInterval, time));
        await reader.StartAsync();

        await writer.RemoveAsync("o-1");
        var polled = reader.NextPollAsync();
        time.Advance(FeedInterval);
        await polled;

        Assert.Equal(["o-2"], (await reader.SearchAsync(new CatalogQuery(Text: "bus"))).Items.Select(l => l.OfferingId));
    }

    [Fact]
    public async Task A_silo_that_starts_later_builds_its_copy_from_the_container_without_removed_listings()
    {
        var writer = new CosmosCatalogIndex(stores.Open());
        await writer.UpsertAsync(Listing("o-1", title: "Bus stops"));
        await writer.UpsertAsync(Listing("o-2", title: "Bus lanes"));
        await writer.UpsertAsync(Listing("o-1", title: "Bus stops, updated"));
        await writer.RemoveAsync("o-2");

        await using var later = new CosmosCatalogIndex(stores.Open());
        await later.StartAsync();

        var result = await later.SearchAsync(new CatalogQuery(Text: "bus"));
        Assert.Equal(["Bus stops, updated"], result.Items.Select(l => l.Title));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
