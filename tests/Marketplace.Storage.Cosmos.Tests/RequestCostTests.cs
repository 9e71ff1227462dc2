using System.Globalization;
using Marketplace.Storage.Cosmos.Catalog;
using Marketplace.Storage.Cosmos.Outbox;
using Marketplace.Storage.Cosmos.Records;
using Marketplace.Storage.Cosmos.Tests.Faults;
using Marketplace.Storage.Cosmos.Usage;
using Marketplace.Storage.Tests.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Marketplace.Storage.Cosmos.Tests;

/// <summary>
/// HTTP requests (and their request charges, as the server reports them) per hot operation, counted on the
/// wire below the SDK, after a warm-up so the SDK's one-off metadata reads are not included. The local
/// server's charges are not realistic; the request counts are what the service would see too.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class RequestCostTests(CosmosServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly FaultyStores stores = new(server);
    private readonly ServiceProvider services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(CounterState).Assembly))
        .BuildServiceProvider();

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task A_usage_append_costs_one_block_create_per_shard_and_one_lookup_for_chosen_ids()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Usage("e-0")]);

        var first = await MeasureAsync("usage append, 1 event, new contract+period", () => ledger.AppendAsync([Usage("e-1", "c-2")]));
        var warm = await MeasureAsync("usage append, 1 event, same contract+period again", () => ledger.AppendAsync([Usage("e-2", "c-2")]));
        var batch = await MeasureAsync("usage append, 10 events in one call", () => ledger.AppendAsync([.. Enumerable.Range(3, 10).Select(i => Usage($"e-{i}", "c-2"))]));
        var generated = await MeasureAsync("usage append, 1 marketplace-generated event", () => ledger.AppendAsync([Usage("g-1", "c-2") with { Source = UsageRecord.GeneratedSource }]));
        var duplicate = await MeasureAsync("usage append, 1 duplicate event", () => ledger.AppendAsync([Usage("e-2", "c-2")]));
        var totals = await MeasureAsync("usage totals", () => ledger.GetTotalsAsync("c-2", "2025-04"));

        // Layout (missing), the previous period's (missing), create the layout, the next period's (missing), look up, block.
        Assert.Equal(["read", "read", "create", "read", "query", "create"], first);
        Assert.Equal(["query", "create"], warm);
        Assert.Equal(["query", "create"], batch);
        Assert.Equal(["create"], generated);
        Assert.Equal(["query"], duplicate);
        Assert.Equal(["read", "query"], totals);
    }

    [Fact]
    public async Task A_record_page_read_costs_one_query_once_the_revision_is_known()
    {
        var store = new CosmosRecordStore(stores.Open(configure: options => options.RecordsPerPartition = 1_000));
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await MeasureAsync("record append, batch of 100", () => writer.AppendAsync(Records(1, 100)));
            await writer.AppendAsync(Records(101, 2_900));
            await MeasureAsync("revision commit", () => writer.CommitAsync());
        }

        var reader = new CosmosRecordStore(stores.Open(configure: options => options.RecordsPerPartition = 1_000));
        await reader.ReadPageAsync("rev-0", 0, 1, []);
        var cold = await MeasureAsync("record page (100), first read of the revision", () => reader.ReadPageAsync("rev-1", 0, 100, []));
        var warm = await MeasureAsync("record page (100), revision known", () => reader.ReadPageAsync("rev-1", 100, 100, []));
        await MeasureAsync("record page (100) with a filter", () => reader.ReadPageAsync("rev-1", 200, 100, [new FieldFilter("odd", "1")]));
        var boundary = await MeasureAsync("record page (100) across a partition boundary", () => reader.ReadPageAsync("rev-1", 950, 100, []));

        Assert.Equal(["read", "query"], cold);
        Assert.Equal(["query"], warm);
        Assert.Equal(["query", "query"], boundary);
    }

    [Fact]
    public async Task A_catalog_write_costs_one_write_and_two_feed_reads_and_a_search_no_request()
    {
        var index = new CosmosCatalogIndex(stores.Open());
        await index.UpsertAsync(Listing("o-0"));

        var upsert = await MeasureAsync("catalog upsert (its own process catches up)", () => index.UpsertAsync(Listing("o-1")));
        var remove = await MeasureAsync("catalog remove (a tombstone)", () => index.RemoveAsync("o-0"));
        var search = await MeasureAsync("catalog search", () => index.SearchAsync(new CatalogQuery(Text: "sensors")));
        var poll = await MeasureAsync("catalog feed poll, nothing new", () => index.CatchUpAsync(CancellationToken.None));

        Assert.Equal(["upsert", "feed", "feed"], upsert);
        Assert.Equal(["upsert", "feed", "feed"], remove);
        Assert.Empty(search);
        Assert.Equal(["feed"], poll);
    }

    [Fact]
    public async Task A_hot_record_page_costs_no_request_after_its_first_read()
    {
        var store = new CosmosRecordStore(stores.Open());
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Records(1, 300));
            await writer.CommitAsync();
        }

        var reader = new CosmosRecordStore(stores.Open());
        await reader.ReadPageAsync("rev-0", 0, 1, []);
        var first = await MeasureAsync("record page (100), first read", () => reader.ReadPageAsync("rev-1", 0, 100, []));
        var again = await MeasureAsync("record page (100), read again", () => reader.ReadPageAsync("rev-1", 0, 100, []));
        var filtered = await MeasureAsync("record page (100) with a filter, read again", async () =>
        {
            await reader.ReadPageAsync("rev-1", 0, 100, [new FieldFilter("odd", "1")]);
            Traffic.Reset();
            await reader.ReadPageAsync("rev-1", 0, 100, [new FieldFilter("odd", "1")]);
        });

        Assert.Equal(["read", "query"], first);
        Assert.Empty(again);
        Assert.Empty(filtered);
    }

    [Fact]
    public async Task A_grain_state_write_costs_one_request()
    {
        var storage = new CosmosGrainStorage(stores.Open(), services.GetRequiredService<Serializer>());
        await storage.ReadStateAsync("counter", GrainId.Create("test", "warm-up"), new GrainState<CounterState>());
        var state = new GrainState<CounterState>(new CounterState { Count = 1 });
        var grain = GrainId.Create("test", "a");

        var first = await MeasureAsync("grain state, first write", () => storage.WriteStateAsync("counter", grain, state));
        state.State = new CounterState { Count = 2 };
        var update = await MeasureAsync("grain state, write", () => storage.WriteStateAsync("counter", grain, state));
        await MeasureAsync("grain state, read", () => storage.ReadStateAsync("counter", grain, new GrainState<CounterState>()));

        Assert.Equal(["create"], first);
        Assert.Equal(["replace"], update);
    }

    [Fact]
    public async Task An_outbox_message_costs_one_write_to_enqueue_one_query_per_owned_bucket_and_one_write_to_claim_and_one_write_to_settle()
    {
        var outbox = new CosmosOutbox(stores.Open());
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        await outbox.EnqueueAsync(Message("m-warm-up", now.AddYears(1)));
        await outbox.ClaimDueAsync(now, 1, TimeSpan.FromMinutes(1));
        IReadOnlyList<OutboxClaim> claims = [];

        var enqueue = await MeasureAsync("outbox enqueue", () => outbox.EnqueueAsync(Message("m-1", now)));
        var duplicate = await MeasureAsync("outbox enqueue, id already there", () => outbox.EnqueueAsync(Message("m-1", now)));
        var claim = await MeasureAsync("outbox claim, 1 due message", async () => claims = await outbox.ClaimDueAsync(now, 10, TimeSpan.FromMinutes(1)));
        var complete = await MeasureAsync("outbox complete", () => outbox.CompleteAsync(claims[0], now));
        foreach (var i in Enumerable.Range(0, 10))
        {
            await outbox.EnqueueAsync(Message($"m-batch-{i}", now));
        }

        var batch = await MeasureAsync("outbox claim, 10 due messages", async () => claims = await outbox.ClaimDueAsync(now, 10, TimeSpan.FromMinutes(1)));
        var retry = await MeasureAsync("outbox retry later", () => outbox.RetryLaterAsync(claims[0], now.AddMinutes(1), "failed"));
        var other = new CosmosOutbox(stores.Open());
        await other.GetAsync("m-warm-up");
        var elsewhere = await MeasureAsync("outbox complete, claimed by another process", () => other.CompleteAsync(claims[1], now));

        Assert.Equal(["create"], enqueue);
        Assert.Equal(["create"], duplicate);
        Assert.Equal(["replace"], complete);
        Assert.Equal(["replace"], retry);
        Assert.Equal(["read", "replace"], elsewhere);
        // One single-partition query per owned bucket (a lone owner owns all of them), no query plan, then the leases.
        Assert.Equal(OutboxDocument.Buckets, outbox.OwnedBuckets.Count);
        Assert.Equal([.. Enumerable.Repeat("query", OutboxDocument.Buckets), "replace"], claim);
        Assert.Equal([.. Enumerable.Repeat("query", OutboxDocument.Buckets), .. Enumerable.Repeat("replace", 10)], batch);
    }

    private async Task<List<string>> MeasureAsync(string operation, Func<Task> action)
    {
        Traffic.Reset();
        await action();
        var exchanges = Traffic.Log;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{operation,-55} {exchanges.Count,3} requests  {exchanges.Sum(e => e.Charge),8:0.##} RU  [{string.Join(", ", exchanges.GroupBy(e => e.Operation).Select(g => $"{g.Key} ×{g.Count()}"))}]"));
        return [.. exchanges.Select(e => e.Operation)];
    }

    private static CatalogListing Listing(string offeringId) =>
        new(offeringId, "d-1", "p-1", "City", "City sensors", "Readings", [], [], "Public", "Free", true, "Free", true, [], "CC-BY-4.0", DateTimeOffset.UnixEpoch);

    private static OutboxMessage Message(string id, DateTimeOffset dueAt) => new(id, "stripe.charge", "{}", "idem-" + id, dueAt, dueAt);

    private static UsageRecord Usage(string eventId, string contractId = "c-1") =>
        new(eventId, contractId, "2025-04", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "gateway", null);

    private static StoredRecord[] Records(long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => from + i).Select(seq =>
            new StoredRecord(seq, null, string.Create(CultureInfo.InvariantCulture, $$"""{"n":{{seq}},"odd":{{seq % 2}}}""")))];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await stores.DisposeAsync();
        await services.DisposeAsync();
    }
}
