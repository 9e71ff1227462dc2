using Marketplace.Storage.Cosmos.Catalog;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

[Collection(CosmosCollection.Name)]
public sealed class CatalogIndexFaultTests(CosmosServer server) : IAsyncLifetime
{
    private const string Catalog = CosmosStore.CatalogContainer;
    private readonly FaultyStores stores = new(server);

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task Upserts_and_change_feed_reads_that_fail_once_are_retried()
    {
        var index = new CosmosCatalogIndex(stores.Open());
        Traffic.Inject("upsert", Catalog, Fault.Unavailable);
        Traffic.Inject("feed", Catalog, new Fault.Disconnect());
        Traffic.Inject("feed", Catalog, Fault.Throttled, skip: 1, times: 3);

        await index.UpsertAsync(Listing("o-1"));
        var result = await index.SearchAsync(new CatalogQuery(Text: "sensors"));

        Assert.Equal(["o-1"], result.Items.Select(l => l.OfferingId));
    }

    [Fact]
    public async Task A_search_before_the_catalog_could_be_read_surfaces_as_unavailable()
    {
        await new CosmosCatalogIndex(stores.Open()).UpsertAsync(Listing("o-1"));
        var index = new CosmosCatalogIndex(stores.Open());
        Traffic.Inject("feed", Catalog, Fault.Unavailable, times: int.MaxValue);

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => index.SearchAsync(new CatalogQuery()));

        Assert.True(failure.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_search_sends_no_request_to_the_store_once_the_catalog_is_in_memory()
    {
        var index = new CosmosCatalogIndex(stores.Open());
        await index.UpsertAsync(Listing("o-1"));
        Traffic.Reset();

        var result = await index.SearchAsync(new CatalogQuery(Text: "sensors", ProviderId: "p-1"));

        Assert.Equal(1, result.Total);
        Assert.Empty(Traffic.Log);
    }

    [Fact]
    public async Task A_feed_read_that_keeps_failing_leaves_searches_answering_from_the_last_copy()
    {
        var index = new CosmosCatalogIndex(stores.Open());
        await index.UpsertAsync(Listing("o-1"));
        Traffic.Inject("feed", Catalog, Fault.Unavailable, times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => index.CatchUpAsync(CancellationToken.None));

        Assert.Equal(["o-1"], (await index.SearchAsync(new CatalogQuery())).Items.Select(l => l.OfferingId));
    }

    private static CatalogListing Listing(string offeringId) =>
        new(offeringId, "d-1", "p-1", "City", "City sensors", "Readings", [], [], "Public", "Free", true, "Free", true, [], "CC-BY-4.0", DateTimeOffset.UnixEpoch);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
