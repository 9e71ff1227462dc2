using System.Globalization;
using System.Net;
using Marketplace.Storage.Cosmos.Records;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

[Collection(CosmosCollection.Name)]
public sealed class RecordStoreFaultTests(CosmosServer server) : IAsyncLifetime
{
    private const string Records = CosmosStore.RecordsContainer;
    private readonly FaultyStores stores = new(server);

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task Record_writes_answered_503_429_or_408_are_retried_and_every_record_lands_once()
    {
        var store = new CosmosRecordStore(stores.Open());
        Traffic.Inject("upsert", Records, Fault.Unavailable, skip: 10, times: 3);
        Traffic.Inject("upsert", Records, Fault.Throttled, skip: 40, times: 3);
        Traffic.Inject("upsert", Records, new Fault.LoseAnswer(HttpStatusCode.RequestTimeout), skip: 70, times: 2);

        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Batch(1, 100));
            Assert.Equal(100, await writer.CommitAsync());
        }

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), (await store.ReadPageAsync("rev-1", 0, 1_000, [])).Records.Select(r => r.Sequence));
    }

    [Fact]
    public async Task An_upload_that_keeps_failing_shows_nothing_and_its_abort_removes_every_record()
    {
        var cosmos = stores.Open();
        var store = new CosmosRecordStore(cosmos);
        Traffic.Inject("upsert", Records, Fault.Unavailable, skip: 150, times: int.MaxValue);

        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Batch(1, 100));
            await writer.AppendAsync(Batch(101, 100)); // under way: its failure fails the commit
            await Assert.ThrowsAsync<StoreUnavailableException>(() => writer.CommitAsync());
            Assert.Empty((await store.ReadPageAsync("rev-1", 0, 1_000, [])).Records);
            Traffic.Heal();
        }

        Assert.Equal(0, await CountDocumentsAsync(cosmos));
    }

    [Fact]
    public async Task Batches_are_written_several_at_once_and_one_that_failed_fails_the_next_append_once_that_many_are_under_way()
    {
        var store = new CosmosRecordStore(stores.Open(configure: options => (options.RecordsPerPartition, options.RecordBatchesInFlight) = (100, 3)));
        Traffic.Inject("upsert", Records, Fault.Unavailable, times: int.MaxValue);

        await using var writer = await store.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Batch(1, 100)); // returns while its writes are under way (and failing)

        var failure = await Record.ExceptionAsync(async () =>
        {
            await writer.AppendAsync(Batch(101, 100));
            await writer.AppendAsync(Batch(201, 100)); // the third waits for the first
        });
        Traffic.Heal();

        Assert.IsType<StoreUnavailableException>(failure);
        Assert.Empty((await store.ReadPageAsync("rev-1", 0, 1_000, [])).Records);
    }

    [Fact]
    public async Task A_commit_whose_answer_was_lost_still_commits()
    {
        var store = new CosmosRecordStore(stores.Open());
        await using var writer = await store.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Batch(1, 10));
        Traffic.Inject("replace", Records, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable));

        Assert.Equal(10, await writer.CommitAsync());

        Assert.Equal(10, (await new CosmosRecordStore(stores.Open()).ReadPageAsync("rev-1", 0, 100, [])).Records.Count);
    }

    [Fact]
    public async Task A_commit_that_keeps_failing_leaves_the_revision_invisible()
    {
        var store = new CosmosRecordStore(stores.Open());
        await using var writer = await store.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Batch(1, 10));
        Traffic.Inject("replace", Records, Fault.Unavailable, times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => writer.CommitAsync());
        Traffic.Heal();

        Assert.Empty((await new CosmosRecordStore(stores.Open()).ReadPageAsync("rev-1", 0, 100, [])).Records);
    }

    [Fact]
    public async Task A_page_read_that_times_out_is_retried()
    {
        var store = new CosmosRecordStore(stores.Open());
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Batch(1, 10));
            await writer.CommitAsync();
        }

        Traffic.Inject("query", Records, Fault.RequestTimeout);
        Traffic.Inject("query", Records, new Fault.TimeOut());

        Assert.Equal(10, (await store.ReadPageAsync("rev-1", 0, 100, [])).Records.Count);
    }

    private static async Task<int> CountDocumentsAsync(CosmosStore store)
    {
        var container = await store.ContainerAsync(Records, CancellationToken.None);
        using var iterator = container.GetItemQueryIterator<IdRow>("SELECT c.id FROM c");
        var count = 0;
        while (iterator.HasMoreResults)
        {
            count += (await iterator.ReadNextAsync()).Count;
        }

        return count;
    }

    private static StoredRecord[] Batch(long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => from + i).Select(seq =>
            new StoredRecord(seq, null, string.Create(CultureInfo.InvariantCulture, $$"""{"n":{{seq}}}""")))];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
