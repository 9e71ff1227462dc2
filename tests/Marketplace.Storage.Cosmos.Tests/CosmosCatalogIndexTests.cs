using Marketplace.Storage.Cosmos.Catalog;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosCatalogIndexTests(CosmosServer server) : CatalogIndexConformance, IAsyncLifetime
{
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

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
