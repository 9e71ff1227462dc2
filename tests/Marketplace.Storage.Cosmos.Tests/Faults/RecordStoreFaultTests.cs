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
            // Batches are written while the next are handed over: the failure is reported by the commit.
            await writer.AppendAsync(Batch(101, 100));
            await Assert.ThrowsAsync<StoreUnavailableException>(() => writer.CommitAsync());
            Assert.Empty((await store.ReadPageAsync("rev-1", 0, 1_000, [])).Records);
            Traffic.Heal();
        }

        Assert.Equal(0, await CountDocumentsAsync(cosmos));
    }

    [Fact]
    public async Task A_batch_that_failed_in_flight_stops_every_later_append_and_the_commit()
    {
        var cosmos = stores.Open(configure: options => options.UploadBatchesInFlight = 2);
        var store = new CosmosRecordStore(cosmos);
        Traffic.Inject("upsert", Records, new Fault.Refuse(HttpStatusCode.BadRequest), skip: 30);

        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Batch(1, 100));
            // The first batch's failure is met by the next append: while it waits for room, or before it starts if the
            // failure came first.
            var met = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await writer.AppendAsync(Batch(101, 100));
                await writer.AppendAsync(Batch(201, 100));
            });
            Assert.Equal(HttpStatusCode.BadRequest, Assert.IsType<CosmosException>(met as CosmosException ?? met.InnerException).StatusCode);
            // A caller that went on regardless cannot commit a revision with a batch missing.
            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.AppendAsync(Batch(301, 100)));
            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CommitAsync());
        }

        Assert.Empty((await store.ReadPageAsync("rev-1", 0, 1_000, [])).Records);
        Assert.Equal(0, await CountDocumentsAsync(cosmos));
    }

    [Fact]
    public async Task An_upload_writes_its_batches_to_several_partitions_at_once_and_its_header_once_per_sixteen_buckets()
    {
        var store = new CosmosRecordStore(stores.Open(configure: options =>
        {
            options.RecordsPerPartition = 100;
            options.UploadBatchesInFlight = 4;
        }));

        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            // Batch k is sequences 100k..100k+99: bucket k alone, so partitions written at once are batches in flight.
            for (var batch = 1; batch <= 20; batch++)
            {
                await writer.AppendAsync(Batch(batch * 100, 100));
            }
            Assert.Equal(2_000, await writer.CommitAsync());
        }

        Assert.InRange(Traffic.MostPartitionsUpsertedAtOnce, 2, 4);
        // The header: created, staged with buckets 1..17, staged again with 1..34, committed with 1..20.
        Assert.Equal(1, Traffic.Count("create", Records));
        Assert.Equal(3, Traffic.Count("replace", Records));
        Assert.Equal(2_000, Traffic.Count("upsert", Records));
        var sequences = new List<long>();
        for (long? after = 0; after is { } cursor;)
        {
            var page = await store.ReadPageAsync("rev-1", cursor, 1_000, []);
            sequences.AddRange(page.Records.Select(r => r.Sequence));
            after = page.NextAfterSequence;
        }
        Assert.Equal(Enumerable.Range(100, 2_000).Select(i => (long)i), sequences);
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
