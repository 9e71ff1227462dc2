namespace Marketplace.Grains.Tests.Faults;

/// <summary>
/// Even a grain that catches its own failed write cannot serve or store the change it attempted: the state it
/// failed to write can no longer be read or written, and the next call reads what the store holds.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SwallowedFailureTests(ClusterFixture fixture)
{
    private async Task<ICarelessGrain> StoredAsync(string value)
    {
        var grain = fixture.Grains.GetGrain<ICarelessGrain>($"careless-{Guid.NewGuid():N}");
        await grain.Set(value);
        fixture.Faults.FailNextWrite("careless", grain.GetGrainId(), fixture.RawStoreFailure());
        return grain;
    }

    [Fact]
    public async Task A_grain_that_swallows_a_failed_write_cannot_answer_with_the_attempted_state()
    {
        var grain = await StoredAsync("stored");

        await Assert.ThrowsAnyAsync<Exception>(() => grain.SetIgnoringFailure("attempted"));

        Assert.Equal(0, fixture.Faults.Pending);
        Assert.Equal("stored", await grain.Get());
    }

    [Fact]
    public async Task A_grain_that_swallows_a_failed_write_cannot_store_the_attempted_state_by_writing_again()
    {
        var grain = await StoredAsync("stored");

        await Assert.ThrowsAnyAsync<Exception>(() => grain.SetIgnoringFailureThenWriteAgain("attempted"));

        Assert.Equal(0, fixture.Faults.Pending);
        Assert.Equal("stored", await grain.Get());
    }
}
