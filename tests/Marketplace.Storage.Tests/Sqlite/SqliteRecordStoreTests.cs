using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteRecordStoreTests : RecordStoreConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<IRecordStore> OpenStoreAsync() =>
        Task.FromResult<IRecordStore>(files.Open(database => new SqliteRecordStore(database)));

    protected override Task<IRecordStore> OpenStoreScanningAsync(int maxRowsScanned) =>
        Task.FromResult<IRecordStore>(files.Open(database => new SqliteRecordStore(database), options => options.MaxRowsScannedPerRead = maxRowsScanned));

    protected override async Task<IRecordStore> ReopenStoreAsync(IRecordStore current)
    {
        await files.CloseAsync(current);
        return await OpenStoreAsync();
    }

    [Fact]
    public async Task Discarding_spares_revisions_still_being_written_in_this_process()
    {
        var store = await OpenStoreAsync();
        await using var writer = await store.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Records(from: 1, count: 10));

        var discarded = await store.DiscardAbandonedRevisionsAsync();
        await writer.CommitAsync();

        Assert.Equal(0, discarded);
        Assert.Equal(10, (await store.ReadPageAsync("rev-1", 0, 100, [])).Records.Count);
    }

    [Fact]
    public async Task A_revision_id_cannot_be_written_twice_at_once()
    {
        var store = await OpenStoreAsync();
        await using var writer = await store.BeginRevisionAsync("dataset-1", "rev-1");

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.BeginRevisionAsync("dataset-1", "rev-1"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}
