using System.Net;
using Marketplace.Storage.Cosmos.Usage;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

/// <summary>
/// An append is three steps (list as pending, create the events, count them); these fail each step and show
/// that a failure leaves the ledger as it was for every reader, and that the retry counts each event once.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class UsageLedgerFaultTests(CosmosServer server) : IAsyncLifetime
{
    private const string Usage = CosmosStore.UsageContainer;
    private static readonly DateTimeOffset Noon = new(2025, 4, 1, 12, 0, 0, TimeSpan.FromHours(9));
    private readonly FaultyStores stores = new(server);

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task An_event_write_answered_503_is_retried_and_counted_once()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        Traffic.Inject("create", Usage, Fault.Unavailable, skip: 3);

        await ledger.AppendAsync([.. Enumerable.Range(0, 6).Select(i => Event($"e-{i}", 2))]);

        Assert.Equal(new UsageTotals("c-1", "2025-04", 12, 6), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task An_event_write_whose_answer_was_lost_is_counted_once()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("e-0", 1)]);
        Traffic.Inject("create", Usage, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable));

        await ledger.AppendAsync([Event("e-1", 5)]);

        Assert.Equal(new UsageTotals("c-1", "2025-04", 6, 2), await ledger.GetTotalsAsync("c-1", "2025-04"));
        Assert.Equal(["e-0", "e-1"], (await ledger.ReadAsync("c-1", "2025-04")).Select(r => r.EventId));
    }

    [Fact]
    public async Task A_count_whose_answer_was_lost_is_not_applied_twice()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("e-0", 1)]);
        // Replaces of the totals: the first lists e-1 as pending, the second counts it.
        Traffic.Inject("replace", Usage, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable), skip: 1);

        await ledger.AppendAsync([Event("e-1", 5)]);

        Assert.Equal(new UsageTotals("c-1", "2025-04", 6, 2), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task An_append_that_cannot_write_its_events_leaves_nothing_and_its_retry_counts_each_once()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("e-0", 1)]);
        Traffic.Inject("create", Usage, Fault.Unavailable, skip: 2, times: int.MaxValue);
        UsageRecord[] batch = [.. Enumerable.Range(1, 5).Select(i => Event($"e-{i}", 10))];

        await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.AppendAsync(batch));
        Traffic.Heal();

        await AssertLedgerAsync(ledger, units: 1, "e-0");
        await ledger.AppendAsync(batch);
        await AssertLedgerAsync(ledger, units: 51, "e-0", "e-1", "e-2", "e-3", "e-4", "e-5");
    }

    [Fact]
    public async Task An_append_that_cannot_count_its_written_events_shows_none_of_them_and_its_retry_counts_each_once()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("e-0", 1)]);
        Traffic.Inject("replace", Usage, Fault.Throttled, skip: 1, times: int.MaxValue);
        UsageRecord[] batch = [Event("e-1", 10), Event("e-2", 20)];

        await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.AppendAsync(batch));
        Traffic.Heal();

        // Both events were written (after the first append's two creates: the totals and e-0), just not counted.
        Assert.Equal(2 + 2, Traffic.Count("create", Usage));
        await AssertLedgerAsync(ledger, units: 1, "e-0");
        await ledger.AppendAsync(batch);
        await AssertLedgerAsync(ledger, units: 31, "e-0", "e-1", "e-2");
    }

    [Fact]
    public async Task Events_an_append_wrote_but_never_counted_are_settled_by_any_reader_once_the_window_has_passed()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("e-0", 1)]);
        // The process dies between writing the events and counting them (here: the count never gets through).
        Traffic.Inject("replace", Usage, Fault.Unavailable, skip: 1, times: int.MaxValue);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.AppendAsync([Event("e-1", 10), Event("e-2", 20)]));
        Traffic.Heal();

        var later = new CosmosUsageLedger(stores.Open(new ShiftedTimeProvider(new CosmosStoreOptions().UsageSettleAfter + TimeSpan.FromMinutes(1))));

        await AssertLedgerAsync(later, units: 31, "e-0", "e-1", "e-2");
        await later.AppendAsync([Event("e-1", 10), Event("e-3", 100)]);
        await AssertLedgerAsync(later, units: 131, "e-0", "e-1", "e-2", "e-3");
    }

    [Fact]
    public async Task Within_the_window_an_unfinished_append_stays_invisible_to_another_process()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("e-0", 1)]);
        Traffic.Inject("replace", Usage, Fault.Unavailable, skip: 1, times: int.MaxValue);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.AppendAsync([Event("e-1", 10)]));
        Traffic.Heal();

        var other = new CosmosUsageLedger(stores.Open());

        await AssertLedgerAsync(other, units: 1, "e-0");
        var streamed = new List<string>();
        await foreach (var record in other.StreamPeriodAsync("2025-04"))
        {
            streamed.Add(record.EventId);
        }

        Assert.Equal(["e-0"], streamed);
    }

    private static async Task AssertLedgerAsync(IUsageLedger ledger, long units, params string[] eventIds)
    {
        Assert.Equal(new UsageTotals("c-1", "2025-04", units, eventIds.Length), await ledger.GetTotalsAsync("c-1", "2025-04"));
        // As a set: which events of a batch the failed attempt wrote (and so which arrive first) depends on the
        // order its parallel creates ran in; arrival order itself is the conformance suite's to check.
        Assert.Equal(eventIds.Order(StringComparer.Ordinal), (await ledger.ReadAsync("c-1", "2025-04")).Select(r => r.EventId).Order(StringComparer.Ordinal));
    }

    private static UsageRecord Event(string eventId, long units) => new(eventId, "c-1", "2025-04", units, Noon, Noon, "gateway", null);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
