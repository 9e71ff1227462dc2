namespace Marketplace.Grains.Tests;

/// <summary>How long an id counts once: in the embedded store for good, though the meter keeps only a bounded number in memory.</summary>
[Collection(OwnClockClusterCollection.Name)]
public sealed class UsageMeterRetentionTests(OwnClockClusterFixture fixture)
{
    private IUsageMeterGrain NewMeter() => fixture.Grains.GetGrain<IUsageMeterGrain>(UsageMeterKey.For($"ctr-{Guid.NewGuid():N}"));

    private UsageEvent Event(string id, DateTimeOffset? at = null) =>
        new(id, 3, at ?? fixture.Clock.GetUtcNow(), UsageSources.Provider("prov-1"), null);

    [Fact]
    public async Task An_id_is_found_long_after_the_retention_because_the_embedded_store_holds_it()
    {
        var meter = NewMeter();
        await meter.Record(Event("evt-kept"));

        fixture.Clock.Advance(UsageWindow.Retention + TimeSpan.FromDays(3));
        await meter.Record(Event("evt-other"));
        var after = await meter.Find("evt-kept");

        Assert.NotNull(after);
        Assert.Null(await meter.Find("evt-never"));
    }

    [Fact]
    public async Task An_id_pushed_out_of_the_meters_memory_by_thousands_of_newer_ones_still_counts_once()
    {
        var meter = NewMeter();
        await meter.Record(Event("evt-first"));
        for (var batch = 0; batch * 1_000 < RecentUsageEvents.CachedIds + 1_000; batch++)
        {
            await meter.RecordBatch([.. Enumerable.Range(0, 1_000).Select(i => Event($"evt-{batch}-{i}"))]);
        }

        var replay = await meter.Record(Event("evt-first"));
        var found = await meter.Find("evt-first");
        var totals = await meter.GetTotals(Domain.BillingPeriod.Containing(fixture.Clock.GetUtcNow(), Domain.BillingPeriod.DefaultZone).Id);

        Assert.True(replay.Duplicate);
        Assert.Equal(3, found?.Units);
        Assert.Equal(1 + (long)Math.Ceiling((RecentUsageEvents.CachedIds + 1_000) / 1_000.0) * 1_000, totals.Events);
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
