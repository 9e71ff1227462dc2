using Marketplace.Storage.Cosmos.Usage;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosUsageLedgerTests(CosmosServer server) : UsageLedgerConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IUsageLedger> OpenLedgerAsync() => Task.FromResult<IUsageLedger>(new CosmosUsageLedger(stores.Open()));

    protected override async Task<IUsageLedger> ReopenLedgerAsync(IUsageLedger current)
    {
        await ((CosmosUsageLedger)current).DisposeAsync();
        return await OpenLedgerAsync();
    }

    [Fact]
    public async Task Two_processes_appending_the_same_events_count_each_once()
    {
        var first = new CosmosUsageLedger(stores.Open());
        var second = new CosmosUsageLedger(stores.Open());
        var records = Enumerable.Range(0, 30).Select(i => Usage("c-1", "2025-04", $"e-{i}", 2)).ToArray();

        await Task.WhenAll(
            Task.Run(() => first.AppendAsync(records[..20])),
            Task.Run(() => second.AppendAsync(records[10..])));

        Assert.Equal(new UsageTotals("c-1", "2025-04", 60, 30), await first.GetTotalsAsync("c-1", "2025-04"));
        Assert.Equal(30, (await second.ReadAsync("c-1", "2025-04")).Count);
    }

    [Fact]
    public async Task Event_ids_with_characters_cosmos_ids_forbid_are_kept_apart()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        string[] ids = ["a/b", "a%2Fb", "a~2Fb", "a?b", "a#b", "a\\b", "a b ", "バス", new string('x', 400), new string('x', 401)];

        await ledger.AppendAsync([.. ids.Select(id => Usage("c/1", "2025-04", id, 1))]);
        await ledger.AppendAsync([.. ids.Select(id => Usage("c/1", "2025-04", id, 1))]);

        Assert.Equal(ids, (await ledger.ReadAsync("c/1", "2025-04")).Select(r => r.EventId));
        Assert.Equal(0, (await ledger.GetTotalsAsync("c", "1/2025-04")).Events);
    }

    [Fact]
    public async Task Hours_of_a_totals_document_counted_before_hours_existed_are_summed_from_its_events()
    {
        var store = stores.Open();
        var ledger = new CosmosUsageLedger(store);
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 5), Usage("c-1", "2025-04", "e-2", 7) with { OccurredAt = new DateTimeOffset(2025, 4, 1, 4, 0, 0, TimeSpan.Zero) }]);
        var container = await store.ContainerAsync(CosmosStore.UsageContainer, CancellationToken.None);
        var partition = new Microsoft.Azure.Cosmos.PartitionKey(UsageEventDocument.PartitionKeyFor("c-1", "2025-04"));
        var totals = (await container.ReadItemAsync<UsageTotalsDocument>(UsageTotalsDocument.DocumentId, partition)).Resource;
        await container.ReplaceItemAsync(totals with { Hours = null, ETag = null }, totals.Id, partition);

        var hours = await ledger.ReadHoursAsync("2025-04");

        var threeUtc = new DateTimeOffset(2025, 4, 1, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal([new UsageHour("c-1", threeUtc, 5, 1), new UsageHour("c-1", threeUtc.AddHours(1), 7, 1)], hours.OrderBy(h => h.Hour));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
