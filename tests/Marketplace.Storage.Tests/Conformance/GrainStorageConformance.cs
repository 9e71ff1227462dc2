using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Marketplace.Storage.Tests.Conformance;

[GenerateSerializer, Alias("Marketplace.Storage.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)] public string Name { get; set; } = "";

    [Id(1)] public int Count { get; set; }

    [Id(2)] public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>The behaviour every grain storage provider of the marketplace shares.</summary>
public abstract class GrainStorageConformance
{
    private const string StateName = "counter";

    /// <summary>Opens a grain storage over this test's own, initially empty storage.</summary>
    protected abstract Task<IGrainStorage> OpenStorageAsync();

    [Fact]
    public async Task Written_state_reads_back_with_its_etag()
    {
        var storage = await OpenStorageAsync();
        var grain = GrainId.Create("test", "a");
        var written = new GrainState<CounterState>(new CounterState { Name = "バス", Count = 3, ChangedAt = DateTimeOffset.UnixEpoch });
        await storage.WriteStateAsync(StateName, grain, written);

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);

        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(("バス", 3, DateTimeOffset.UnixEpoch), (read.State?.Name, read.State?.Count, read.State?.ChangedAt));
    }

    [Fact]
    public async Task Reading_state_never_written_finds_no_record()
    {
        var storage = await OpenStorageAsync();

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, GrainId.Create("test", "missing"), read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task Every_write_issues_a_new_etag()
    {
        var storage = await OpenStorageAsync();
        var grain = GrainId.Create("test", "a");
        var state = new GrainState<CounterState>(new CounterState { Count = 1 });

        await storage.WriteStateAsync(StateName, grain, state);
        var first = state.ETag;
        state.State = new CounterState { Count = 2 };
        await storage.WriteStateAsync(StateName, grain, state);

        Assert.NotEqual(first, state.ETag);
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal(2, read.State?.Count);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_rejected()
    {
        var storage = await OpenStorageAsync();
        var grain = GrainId.Create("test", "a");
        var current = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync(StateName, grain, current);
        var stale = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, stale);
        current.State = new CounterState { Count = 2 };
        await storage.WriteStateAsync(StateName, grain, current);

        stale.State = new CounterState { Count = 99 };
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale));

        Assert.Equal(current.ETag, conflict.StoredEtag);
        Assert.Equal(stale.ETag, conflict.CurrentEtag);
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal(2, read.State?.Count);
    }

    [Fact]
    public async Task Of_concurrent_first_writes_exactly_one_wins()
    {
        var storage = await OpenStorageAsync();
        var grain = GrainId.Create("test", "a");

        var attempts = Enumerable.Range(0, 10)
            .Select(i => Task.Run(() => storage.WriteStateAsync(StateName, grain, new GrainState<CounterState>(new CounterState { Count = i }))))
            .ToArray();
        await Assert.ThrowsAsync<InconsistentStateException>(() => Task.WhenAll(attempts));

        Assert.Equal(1, attempts.Count(t => t.IsCompletedSuccessfully));
        Assert.All(attempts.Where(t => t.IsFaulted), t => Assert.IsType<InconsistentStateException>(t.Exception!.InnerException));
    }

    [Fact]
    public async Task Clearing_removes_the_record_and_a_fresh_write_starts_over()
    {
        var storage = await OpenStorageAsync();
        var grain = GrainId.Create("test", "a");
        var state = new GrainState<CounterState>(new CounterState { Count = 5 });
        await storage.WriteStateAsync(StateName, grain, state);

        await storage.ClearStateAsync(StateName, grain, state);
        var afterClear = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, afterClear);
        await storage.WriteStateAsync(StateName, grain, new GrainState<CounterState>(new CounterState { Count = 6 }));

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.False(afterClear.RecordExists);
        var reread = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, reread);
        Assert.Equal(6, reread.State?.Count);
    }

    [Fact]
    public async Task Clearing_with_a_stale_etag_is_rejected()
    {
        var storage = await OpenStorageAsync();
        var grain = GrainId.Create("test", "a");
        var current = new GrainState<CounterState>(new CounterState());
        await storage.WriteStateAsync(StateName, grain, current);
        var stale = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, stale);
        await storage.WriteStateAsync(StateName, grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, stale));

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task State_is_kept_apart_by_state_name_and_grain()
    {
        var storage = await OpenStorageAsync();
        await storage.WriteStateAsync("counter", GrainId.Create("test", "a"), new GrainState<CounterState>(new CounterState { Count = 1 }));
        await storage.WriteStateAsync("other", GrainId.Create("test", "a"), new GrainState<CounterState>(new CounterState { Count = 2 }));
        await storage.WriteStateAsync("counter", GrainId.Create("test", "b"), new GrainState<CounterState>(new CounterState { Count = 3 }));
        await storage.WriteStateAsync("counter", GrainId.Create("other-type", "a"), new GrainState<CounterState>(new CounterState { Count = 4 }));

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", GrainId.Create("test", "a"), read);

        Assert.Equal(1, read.State?.Count);
    }
}
