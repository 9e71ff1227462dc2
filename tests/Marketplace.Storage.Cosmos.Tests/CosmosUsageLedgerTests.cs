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

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
