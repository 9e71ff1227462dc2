using System.Text.Json;
using Marketplace.Storage.Cosmos.Tests.Faults;
using Marketplace.Storage.Cosmos.Usage;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Tests;

/// <summary>
/// The shape of the usage ledger on Cosmos (DESIGN.md, "Usage"): shards of a contract's period, one block per shard
/// per commit, block sizes, the layout that fixes the shard count, and duplicates decided by the store.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosUsageBlockTests(CosmosServer server) : IAsyncLifetime
{
    private const string Usage = CosmosStore.UsageContainer;
    private static readonly DateTimeOffset Noon = new(2025, 4, 1, 12, 0, 0, TimeSpan.FromHours(9));
    private readonly FaultyStores stores = new(server);

    [Fact]
    public async Task Each_event_lands_in_the_partition_of_its_contract_period_and_the_shard_its_id_hashes_to()
    {
        var store = stores.Open(configure: options => options.UsageShards = 4);
        var ledger = new CosmosUsageLedger(store);

        await ledger.AppendAsync([.. Enumerable.Range(0, 40).Select(i => Event($"e-{i}"))]);

        var blocks = await BlocksAsync(store);
        Assert.Equal(4, blocks.Count);
        Assert.All(blocks, block =>
        {
            var shard = block.GetProperty("shard").GetInt32();
            Assert.Equal($"c%2F1/2025-04/{shard}", block.GetProperty("pk").GetString());
            Assert.All(block.GetProperty("ev").EnumerateArray(), e => Assert.Equal(shard, UsageShards.Of(e.GetProperty("i").GetString()!, 4)));
        });
        Assert.Equal(new UsageTotals("c/1", "2025-04", 40, 40), await ledger.GetTotalsAsync("c/1", "2025-04"));
    }

    [Fact]
    public async Task A_commit_writes_one_block_per_shard_with_one_create_each()
    {
        var store = stores.Open(configure: options => options.UsageShards = 3);
        var ledger = new CosmosUsageLedger(store);
        await ledger.AppendAsync([Event("warm-up")]);
        stores.Traffic.Reset();

        await ledger.AppendAsync([.. Enumerable.Range(0, 30).Select(i => Event($"e-{i}"))]);

        Assert.Equal(3, stores.Traffic.Count("create", Usage));
        Assert.Equal(1 + 3, (await BlocksAsync(store)).Count);
        Assert.Equal(0, stores.Traffic.Count("replace", Usage));
        Assert.Equal(31, (await ledger.GetTotalsAsync("c/1", "2025-04")).Events);
    }

    [Fact]
    public async Task A_report_of_10000_events_with_64_character_ids_is_stored_in_blocks_well_under_the_item_limit()
    {
        var store = stores.Open();
        var ledger = new CosmosUsageLedger(store);
        UsageRecord[] report = [.. Enumerable.Range(0, 10_000).Select(i => Event($"{i:D8}-{new string('x', 56)}") with { Fingerprint = new string('f', 64) })];

        var answer = await ledger.AppendAsync(report);

        Assert.All(answer.Results, r => Assert.True(r.Inserted));
        Assert.Equal(new UsageTotals("c/1", "2025-04", 10_000, 10_000), await ledger.GetTotalsAsync("c/1", "2025-04"));
        var sizes = (await BlocksAsync(store)).Select(b => b.GetRawText().Length).ToList();
        Assert.True(sizes.Count >= 10, $"{sizes.Count} blocks");
        Assert.All(sizes, size => Assert.InRange(size, 1, CosmosUsageLedger.MaxBlockBytes));
        Assert.All((await ledger.AppendAsync(report[^1_000..])).Results, r => Assert.False(r.Inserted));
    }

    [Fact]
    public async Task The_same_id_resent_with_another_months_date_counts_once_across_shards()
    {
        var april = new CosmosUsageLedger(stores.Open(configure: options => options.UsageShards = 4));
        UsageRecord[] sent = [.. Enumerable.Range(0, 20).Select(i => Event($"e-{i}"))];
        await april.AppendAsync(sent);

        var may = new CosmosUsageLedger(stores.Open(configure: options => options.UsageShards = 3));
        var answer = await may.AppendAsync([.. sent.Select(r => r with { Period = "2025-05", OccurredAt = Noon.AddMonths(1) }), Event("fresh") with { Period = "2025-05" }]);

        Assert.Equal(20, answer.Results.Count(r => !r.Inserted));
        Assert.All(answer.Results.Take(20), r => Assert.Equal("2025-04", r.Stored.Period));
        Assert.Equal(1, (await may.GetTotalsAsync("c/1", "2025-05")).Events);
        Assert.Equal(20, (await may.GetTotalsAsync("c/1", "2025-04")).Events);
    }

    [Fact]
    public async Task The_shard_count_the_first_writer_fixed_is_honoured_by_a_process_configured_otherwise()
    {
        var store = stores.Open(configure: options => options.UsageShards = 4);
        await new CosmosUsageLedger(store).AppendAsync([.. Enumerable.Range(0, 20).Select(i => Event($"e-{i}"))]);

        var other = new CosmosUsageLedger(stores.Open(configure: options => options.UsageShardsByContract["c/1"] = 1));
        var answer = await other.AppendAsync([.. Enumerable.Range(10, 20).Select(i => Event($"e-{i}"))]);

        Assert.Equal(10, answer.Results.Count(r => r.Inserted));
        var blocks = await BlocksAsync(store);
        Assert.All(blocks, b => Assert.All(b.GetProperty("ev").EnumerateArray(), e =>
            Assert.Equal(b.GetProperty("shard").GetInt32(), UsageShards.Of(e.GetProperty("i").GetString()!, 4))));
        Assert.Equal(4, await LayoutShardsAsync(store, "2025-04"));
        Assert.Equal(30, (await other.GetTotalsAsync("c/1", "2025-04")).Events);
    }

    [Fact]
    public async Task A_busy_previous_period_spreads_the_next_over_more_shards()
    {
        var store = stores.Open(configure: options => options.UsageEventsPerShard = 10);
        var ledger = new CosmosUsageLedger(store);
        await ledger.AppendAsync([.. Enumerable.Range(0, 25).Select(i => Event($"e-{i}"))]);

        await ledger.AppendAsync([Event("next") with { Period = "2025-05", OccurredAt = Noon.AddMonths(1) }]);

        Assert.Equal(1, await LayoutShardsAsync(store, "2025-04"));
        Assert.Equal(3, await LayoutShardsAsync(store, "2025-05"));
    }

    [Fact]
    public async Task A_process_that_never_saw_an_id_refuses_it_from_the_store_alone()
    {
        var ledger = new CosmosUsageLedger(stores.Open());
        await ledger.AppendAsync([Event("early")]);
        for (var batch = 0; batch < 5; batch++)
        {
            await ledger.AppendAsync([.. Enumerable.Range(0, 1_000).Select(i => Event($"b{batch}-{i}"))]);
        }

        var fresh = new CosmosUsageLedger(stores.Open());
        var answer = await fresh.AppendAsync([Event("early") with { Units = 99 }]);

        Assert.True(fresh.UniqueAcrossPeriods); // so a usage meter keeps only its 4,096 most recent ids in memory
        Assert.False(answer.Results[0].Inserted);
        Assert.Equal(1, answer.Results[0].Stored.Units);
        Assert.Equal(5_001, (await fresh.GetTotalsAsync("c/1", "2025-04")).Events);
    }

    [Fact]
    public async Task A_reader_moves_a_missing_checkpoint_on_over_settled_blocks_and_totals_keep_counting_after_it()
    {
        var store = stores.Open();
        var ledger = new CosmosUsageLedger(store);
        for (var i = 0; i < UsageCounting.CheckpointAfterBlocks + 6; i++)
        {
            await ledger.AppendAsync([Event($"e-{i}") with { Units = i }]);
        }

        // As if its writer had never moved it on (a process that died): the reader sums the blocks and moves it itself.
        var container = await store.ContainerAsync(Usage, CancellationToken.None);
        await container.DeleteItemAsync<JsonElement>("sum", new PartitionKey("c%2F1/2025-04/0"));

        var later = new CosmosUsageLedger(stores.Open(new ShiftedTimeProvider(TimeSpan.FromDays(30))));
        var expected = Enumerable.Range(0, UsageCounting.CheckpointAfterBlocks + 6).Sum();
        Assert.Equal(expected, (await later.GetTotalsAsync("c/1", "2025-04")).Units); // writes the checkpoint
        await later.AppendAsync([Event("last") with { Units = 1_000 }]);

        Assert.Equal(new UsageTotals("c/1", "2025-04", expected + 1_000, UsageCounting.CheckpointAfterBlocks + 7), await later.GetTotalsAsync("c/1", "2025-04"));
        Assert.Equal(expected + 1_000, (await later.ReadHoursAsync("2025-04")).Sum(h => h.Units));
        var checkpoint = (await container.ReadItemAsync<JsonElement>("sum", new PartitionKey("c%2F1/2025-04/0"))).Resource;
        Assert.Equal(UsageCounting.CheckpointAfterBlocks + 6, checkpoint.GetProperty("upTo").GetInt64());
    }

    [Fact]
    public async Task The_writer_moves_the_checkpoint_on_over_its_own_blocks_so_a_totals_read_stays_short()
    {
        var store = stores.Open();
        var ledger = new CosmosUsageLedger(store);
        for (var i = 0; i < 3 * CosmosUsageLedger.CheckpointEveryBlocks + 2; i++)
        {
            await ledger.AppendAsync([Event($"e-{i}") with { Units = i }]);
        }

        var container = await store.ContainerAsync(Usage, CancellationToken.None);
        var checkpoint = (await container.ReadItemAsync<JsonElement>("sum", new PartitionKey("c%2F1/2025-04/0"))).Resource;
        Assert.Equal(3 * CosmosUsageLedger.CheckpointEveryBlocks, checkpoint.GetProperty("upTo").GetInt64());
        var expected = Enumerable.Range(0, 3 * CosmosUsageLedger.CheckpointEveryBlocks + 2).Sum();
        Assert.Equal(expected, (await new CosmosUsageLedger(stores.Open()).GetTotalsAsync("c/1", "2025-04")).Units);
        Assert.Equal(expected, (await ledger.AppendAsync([Event("e-0")])).Totals.Single().Units);
    }

    private static async Task<List<JsonElement>> BlocksAsync(CosmosStore store)
    {
        var container = await store.ContainerAsync(Usage, CancellationToken.None);
        var blocks = new List<JsonElement>();
        using var iterator = container.GetItemQueryIterator<JsonElement>("SELECT * FROM c WHERE c.kind = 'block'");
        while (iterator.HasMoreResults)
        {
            blocks.AddRange(await iterator.ReadNextAsync());
        }

        return blocks;
    }

    private static async Task<int> LayoutShardsAsync(CosmosStore store, string period)
    {
        var container = await store.ContainerAsync(Usage, CancellationToken.None);
        var layout = (await container.ReadItemAsync<JsonElement>("layout", new PartitionKey($"c%2F1/{period}/0"))).Resource;
        return layout.GetProperty("shards").GetInt32();
    }

    private static UsageRecord Event(string eventId) => new(eventId, "c/1", "2025-04", 1, Noon, Noon, "gateway", null);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
