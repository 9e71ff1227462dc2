using Marketplace.Storage.Cosmos.Indexes;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

[Collection(CosmosCollection.Name)]
public sealed class InvoiceIndexFaultTests(CosmosServer server) : IAsyncLifetime
{
    private static readonly InvoiceQuery[] Lists =
        [new(Period: "2026-11"), new(BuyerId: "buyer-a"), new(ProviderId: "prov-a"), new(ContractId: "ctr-1"), new()];

    private readonly FaultyStores stores = new(server);

    [Fact]
    public async Task A_status_update_that_reached_only_some_lists_reaches_every_list_when_put_again()
    {
        var index = new CosmosInvoiceIndex(stores.Open());
        var invoice = new InvoiceEntry("inv-1", "invoice", "2026-11", "ctr-1", "buyer-a", "prov-a", "finalized", 33_000, "JPY", DateTimeOffset.UnixEpoch);
        await index.PutAsync(invoice);
        // Three of the four copies are written; the fourth keeps failing until the store gives up.
        stores.Traffic.Inject("upsert", CosmosStore.IndexesContainer, Fault.Unavailable, skip: 3, times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => index.PutAsync(invoice with { Status = "paid" }));
        Assert.Contains("finalized", await StatusesAsync(index));

        stores.Traffic.Heal();
        await index.PutAsync(invoice with { Status = "paid" });

        Assert.Equal(Enumerable.Repeat("paid", Lists.Length), await StatusesAsync(index));
    }

    private static async Task<List<string>> StatusesAsync(CosmosInvoiceIndex index)
    {
        var statuses = new List<string>();
        foreach (var list in Lists)
        {
            statuses.AddRange((await index.ListAsync(list, null, 10)).Items.Select(i => i.Status));
        }

        return statuses;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
