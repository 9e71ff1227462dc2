namespace Marketplace.Grains.Tests;

/// <summary>How long a meter remembers ids: at least the retention after recording, and no longer than a day past it.</summary>
[Collection(OwnClockClusterCollection.Name)]
public sealed class UsageMeterRetentionTests(OwnClockClusterFixture fixture)
{
    private IUsageMeterGrain NewMeter() => fixture.Grains.GetGrain<IUsageMeterGrain>(UsageMeterKey.For($"ctr-{Guid.NewGuid():N}"));

    private UsageEvent Event(string id, DateTimeOffset? at = null) =>
        new(id, 3, at ?? fixture.Clock.GetUtcNow(), UsageSources.Provider("prov-1"), null);

    [Fact]
    public async Task An_id_is_held_in_memory_through_the_retention_and_released_soon_after()
    {
        var meter = NewMeter();
        await meter.Record(Event("evt-kept"));

        fixture.Clock.Advance(UsageWindow.Retention - TimeSpan.FromHours(1));
        var within = await meter.Find("evt-kept");
        fixture.Clock.Advance(TimeSpan.FromDays(3));
        await meter.Record(Event("evt-other"));
        var after = await meter.Find("evt-kept");

        Assert.NotNull(within);
        Assert.Null(after);
        Assert.Null(await meter.Find("evt-never"));
    }

    [Fact]
    public async Task An_id_the_meter_has_released_is_still_refused_by_the_embedded_store_in_a_later_month()
    {
        var meter = NewMeter();
        await meter.Record(Event("evt-once"));

        fixture.Clock.Advance(UsageWindow.Retention + TimeSpan.FromDays(3));
        var resent = await meter.Record(Event("evt-once"));

        Assert.True(resent.Duplicate);
        Assert.Equal(3, resent.Units);
    }

    [Fact]
    public async Task A_reactivated_meter_recognises_a_recent_id_whose_event_names_an_old_month()
    {
        var key = UsageMeterKey.For($"ctr-{Guid.NewGuid():N}");
        await fixture.Grains.GetGrain<IUsageMeterGrain>(key).Record(Event("evt-late", fixture.Clock.GetUtcNow() - TimeSpan.FromDays(34)));

        fixture.Clock.Advance(TimeSpan.FromDays(30));
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var again = await fixture.Grains.GetGrain<IUsageMeterGrain>(key).Record(Event("evt-late"));

        Assert.True(again.Duplicate);
    }
}
