using Marketplace.Storage.Cosmos.Catalog;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

[Collection(CosmosCollection.Name)]
public sealed class CatalogIndexFaultTests(CosmosServer server) : IAsyncLifetime
{
    private const string Catalog = CosmosStore.CatalogContainer;
    private readonly FaultyStores stores = new(server);

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task Upserts_searches_and_reads_that_fail_once_are_retried()
    {
        var index = new CosmosCatalogIndex(stores.Open());
        Traffic.Inject("upsert", Catalog, Fault.Unavailable);
        Traffic.Inject("query", Catalog, new Fault.Disconnect());
        Traffic.Inject("read", Catalog, Fault.Throttled, times: 3);

        await index.UpsertAsync(Listing("o-1"));
        var result = await index.SearchAsync(new CatalogQuery(Text: "sensors"));

        Assert.Equal(["o-1"], result.Items.Select(l => l.OfferingId));
    }

    [Fact]
    public async Task A_search_that_keeps_failing_surfaces_as_unavailable()
    {
        var index = new CosmosCatalogIndex(stores.Open());
        await index.UpsertAsync(Listing("o-1"));
        Traffic.Inject("query", Catalog, Fault.Unavailable, times: int.MaxValue);

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => index.SearchAsync(new CatalogQuery()));

        Assert.True(failure.RetryAfter > TimeSpan.Zero);
    }

    private static CatalogListing Listing(string offeringId) =>
        new(offeringId, "d-1", "p-1", "City", "City sensors", "Readings", [], [], "Public", "Free", true, "Free", true, [], "CC-BY-4.0", DateTimeOffset.UnixEpoch);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
