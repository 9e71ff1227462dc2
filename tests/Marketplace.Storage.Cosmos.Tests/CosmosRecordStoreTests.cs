using Marketplace.Storage.Cosmos.Records;
using Marketplace.Storage.Tests.Conformance;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosRecordStoreTests(CosmosServer server) : RecordStoreConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IRecordStore> OpenStoreAsync() => Task.FromResult<IRecordStore>(new CosmosRecordStore(stores.Open()));

    protected override Task<IRecordStore> OpenStoreScanningAsync(int maxRowsScanned) =>
        Task.FromResult<IRecordStore>(new CosmosRecordStore(stores.Open(options => options.MaxRowsScannedPerRead = maxRowsScanned)));

    /// <summary>
    /// The restarted process starts after the crashed writer's lease ran out: with several processes sharing
    /// the store, only a staging revision nobody renewed for the lease period counts as abandoned.
    /// </summary>
    protected override Task<IRecordStore> ReopenStoreAsync(IRecordStore current)
    {
        var lease = new CosmosStoreOptions().StagingRevisionLease;
        return Task.FromResult<IRecordStore>(new CosmosRecordStore(stores.Open(time: new ShiftedTimeProvider(lease + TimeSpan.FromMinutes(1)))));
    }

    [Fact]
    public async Task A_redaction_drops_the_cached_pages_of_its_revision_in_its_own_process()
    {
        var store = new CosmosRecordStore(stores.Open());
        await CommitAsync(store, "rev-1", Records(from: 1, count: 20));
        var before = await store.ReadPageAsync("rev-1", 0, 100, []);

        await store.RedactSubjectAsync("rev-1", "subject-2");
        var after = await store.ReadPageAsync("rev-1", 0, 100, []);

        Assert.Contains(before.Records, r => r.SubjectId == "subject-2");
        Assert.DoesNotContain(after.Records, r => r.SubjectId == "subject-2");
    }

    [Fact]
    public async Task A_redaction_in_another_process_reaches_a_cached_page_once_the_cache_lifetime_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reader = new CosmosRecordStore(stores.Open(time: time));
        await CommitAsync(reader, "rev-1", Records(from: 1, count: 20));
        await reader.ReadPageAsync("rev-1", 0, 100, []);
        await new CosmosRecordStore(stores.Open()).RedactSubjectAsync("rev-1", "subject-2");

        time.Advance(new CosmosStoreOptions().RecordPageCacheLifetime);
        var after = await reader.ReadPageAsync("rev-1", 0, 100, []);

        Assert.DoesNotContain(after.Records, r => r.SubjectId == "subject-2");
    }

    [Fact]
    public async Task The_page_cache_holds_no_more_than_its_byte_budget()
    {
        var store = new CosmosRecordStore(stores.Open(options => options.RecordPageCacheBytes = 64 * 1024));
        await CommitAsync(store, "rev-1", Records(from: 1, count: 1_000));

        for (var after = 0; after < 1_000; after += 100)
        {
            await store.ReadPageAsync("rev-1", after, 100, []);
        }

        Assert.InRange(store.CachedPageBytes, 1, 64 * 1024);
    }

    private static async Task CommitAsync(CosmosRecordStore store, string revisionId, StoredRecord[] records)
    {
        await using var writer = await store.BeginRevisionAsync("dataset-1", revisionId);
        await writer.AppendAsync(records);
        await writer.CommitAsync();
    }

    [Fact]
    public async Task Discarding_spares_a_staging_revision_whose_writer_in_another_process_holds_the_lease()
    {
        var uploading = new CosmosRecordStore(stores.Open());
        await using var writer = await uploading.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Records(from: 1, count: 10));

        var discarded = await new CosmosRecordStore(stores.Open()).DiscardAbandonedRevisionsAsync();
        await writer.CommitAsync();

        Assert.Equal(0, discarded);
        Assert.Equal(10, (await uploading.ReadPageAsync("rev-1", 0, 100, [])).Records.Count);
    }

    [Fact]
    public async Task A_writer_whose_revision_was_discarded_cannot_commit()
    {
        var uploading = new CosmosRecordStore(stores.Open());
        await using var writer = await uploading.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Records(from: 1, count: 10));
        var later = new CosmosRecordStore(stores.Open(time: new ShiftedTimeProvider(TimeSpan.FromHours(1))));

        Assert.Equal(1, await later.DiscardAbandonedRevisionsAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CommitAsync());
        Assert.Empty((await later.ReadPageAsync("rev-1", 0, 100, [])).Records);
    }

    [Fact]
    public async Task A_revision_larger_than_one_partition_pages_across_partition_boundaries()
    {
        var store = new CosmosRecordStore(stores.Open(options => options.RecordsPerPartition = 100));
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Records(from: 1, count: 450));
            // Sparse sequences: empty partitions in between are skipped, not scanned.
            await writer.AppendAsync(Records(from: 1_000_000, count: 3));
            await writer.CommitAsync();
        }

        var sequences = new List<long>();
        var pages = 0;
        long? after = 0;
        while (after is { } cursor)
        {
            var page = await store.ReadPageAsync("rev-1", cursor, 70, []);
            sequences.AddRange(page.Records.Select(r => r.Sequence));
            after = page.NextAfterSequence;
            pages++;
        }

        Assert.Equal(Enumerable.Range(1, 450).Select(i => (long)i).Concat([1_000_000, 1_000_001, 1_000_002]), sequences);
        Assert.Equal(7, pages);
    }

    [Fact]
    public async Task A_filtered_read_continues_into_the_next_partition_until_the_page_is_full()
    {
        var store = new CosmosRecordStore(stores.Open(options => options.RecordsPerPartition = 100));
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Records(from: 1, count: 1_000));
            await writer.CommitAsync();
        }

        // "Chuo" is one record in ten: 25 of them span three partitions.
        var page = await store.ReadPageAsync("rev-1", 0, 25, [new FieldFilter("district", "Chuo")]);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => (i * 10) + 3L), page.Records.Select(r => r.Sequence));
        Assert.Equal(243, page.NextAfterSequence);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
