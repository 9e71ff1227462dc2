using System.Net;
using System.Text.Json;
using Marketplace.Storage.Cosmos.Usage;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

/// <summary>
/// A commit writes one block per shard with a single create each. These fail those creates (before they land, or
/// after, with the answer lost) and show that a failed commit leaves nothing anyone counts, that a caller answered
/// with a failure is never billed later, and that the retry counts each event once.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class UsageLedgerFaultTests(CosmosServer server) : IAsyncLifetime
{
    private const string Usage = CosmosStore.UsageContainer;
    private static readonly DateTimeOffset Noon = new(2025, 4, 1, 12, 0, 0, TimeSpan.FromHours(9));
    private readonly FaultyStores stores = new(server);

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task A_block_write_answered_503_is_retried_and_counted_once()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("e-0", 1)]);
        Traffic.Inject("create", Usage, Fault.Unavailable, times: 2);

        await ledger.AppendAsync([.. Enumerable.Range(1, 6).Select(i => Event($"e-{i}", 2))]);

        await AssertLedgerAsync(ledger, units: 13, "e-0", "e-1", "e-2", "e-3", "e-4", "e-5", "e-6");
    }

    [Fact]
    public async Task A_block_write_whose_answer_was_lost_is_counted_once()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("e-0", 1)]);
        Traffic.Inject("create", Usage, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable));

        var answer = await ledger.AppendAsync([Event("e-1", 5)]);

        Assert.True(answer.Results[0].Inserted);
        await AssertLedgerAsync(ledger, units: 6, "e-0", "e-1");
        Assert.Equal(["e-0", "e-1"], (await ledger.ReadAsync("c-1", "2025-04")).Select(r => r.EventId));
    }

    [Fact]
    public async Task A_commit_that_fails_half_way_leaves_no_block_and_its_retry_counts_each_once()
    {
        var store = stores.Open(configure: options => options.UsageShards = 2);
        var ledger = new CosmosUsageLedger(store);
        await ledger.AppendAsync([Event("e-0", 1)]);
        UsageRecord[] batch = [.. Enumerable.Range(1, 8).Select(i => Event($"e-{i}", 10))];
        Assert.Equal(2, batch.Select(r => UsageShards.Of(r.EventId, 2)).Distinct().Count());
        // The batch's two blocks are written at once: one lands, the other never does.
        Traffic.Inject("create", Usage, Fault.Unavailable, skip: 1, times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.AppendAsync(batch));
        Traffic.Heal();

        await AssertLedgerAsync(new CosmosUsageLedger(stores.Open()), units: 1, "e-0");
        Assert.Equal(1, await EventsInBlocksAsync(store));
        await ledger.AppendAsync(batch);
        await AssertLedgerAsync(ledger, units: 81, [.. batch.Select(r => r.EventId).Prepend("e-0")]);
    }

    [Fact]
    public async Task A_request_answered_503_is_never_billed_even_when_its_block_landed()
    {
        var store = stores.Open();
        var ledger = new CosmosUsageLedger(store);
        await ledger.AppendAsync([Event("e-0", 1)]);
        // Every attempt reaches the store, and every answer is lost: the first one landed.
        Traffic.Inject("create", Usage, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable), times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.AppendAsync([Event("e-1", 5) with { Source = UsageRecord.GeneratedSource }]));
        Traffic.Heal();

        var later = new CosmosUsageLedger(stores.Open(new ShiftedTimeProvider(TimeSpan.FromDays(1))));
        await AssertLedgerAsync(later, units: 1, "e-0");
        Assert.Equal(["e-0"], await StreamAsync(later));
        Assert.Equal(1, await EventsInBlocksAsync(store));
    }

    [Fact]
    public async Task A_report_whose_third_block_fails_keeps_its_first_two_and_its_retry_counts_each_event_once()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        UsageRecord[] report = [.. Enumerable.Range(0, 2 * CosmosUsageLedger.MaxEventsPerBlock + 500).Select(i => Event($"r-{i}", 1))];
        // The layout, then one block per chunk of the report: the third never lands.
        Traffic.Inject("create", Usage, Fault.Unavailable, skip: 3, times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.AppendAsync(report));
        Traffic.Heal();
        Assert.Equal(2 * CosmosUsageLedger.MaxEventsPerBlock, (await ledger.GetTotalsAsync("c-1", "2025-04")).Events);

        var retry = await ledger.AppendAsync(report);

        Assert.Equal(500, retry.Results.Count(r => r.Inserted));
        Assert.Equal(new UsageTotals("c-1", "2025-04", report.Length, report.Length), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task Two_processes_racing_for_one_block_number_each_keep_their_own_events_and_refuse_each_others_ids()
    {
        var first = new CosmosUsageLedger(stores.Open());
        var second = new CosmosUsageLedger(stores.Open());
        await first.AppendAsync([Event("e-0", 1)]);
        await second.AppendAsync([Event("e-9", 1)]); // block 2, which the first process has not seen

        await first.AppendAsync([Event("e-1", 2), Event("e-2", 3)]); // 409 on block 2, written as block 3
        var answer = await second.AppendAsync([Event("e-2", 3), Event("e-3", 4)]);

        Assert.Equal([false, true], answer.Results.Select(r => r.Inserted));
        Assert.Equal(new UsageTotals("c-1", "2025-04", 11, 5), answer.Totals.Single());
        await AssertLedgerAsync(first, units: 11, "e-0", "e-9", "e-1", "e-2", "e-3");
    }

    private static async Task<int> EventsInBlocksAsync(CosmosStore store)
    {
        var container = await store.ContainerAsync(Usage, CancellationToken.None);
        var events = 0;
        using var iterator = container.GetItemQueryIterator<JsonElement>("SELECT * FROM c WHERE c.kind = 'block'");
        while (iterator.HasMoreResults)
        {
            foreach (var block in await iterator.ReadNextAsync())
            {
                events += block.GetProperty("ev").GetArrayLength();
            }
        }

        return events;
    }

    private static async Task<List<string>> StreamAsync(IUsageLedger ledger)
    {
        var streamed = new List<string>();
        await foreach (var record in ledger.StreamPeriodAsync("2025-04"))
        {
            streamed.Add(record.EventId);
        }

        return streamed;
    }

    private static async Task AssertLedgerAsync(IUsageLedger ledger, long units, params string[] eventIds)
    {
        Assert.Equal(new UsageTotals("c-1", "2025-04", units, eventIds.Length), await ledger.GetTotalsAsync("c-1", "2025-04"));
        // As a set: the shards of a period are merged by arrival, and two shards of one commit arrive together.
        Assert.Equal(eventIds.Order(StringComparer.Ordinal), (await ledger.ReadAsync("c-1", "2025-04")).Select(r => r.EventId).Order(StringComparer.Ordinal));
        Assert.Equal(units, (await ledger.ReadHoursAsync("2025-04")).Where(h => h.ContractId == "c-1").Sum(h => h.Units));
    }

    private static UsageRecord Event(string eventId, long units) => new(eventId, "c-1", "2025-04", units, Noon, Noon, "gateway", null);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
