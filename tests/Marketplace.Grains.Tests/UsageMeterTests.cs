namespace Marketplace.Grains.Tests;

public abstract class UsageMeterTests(ClusterFixture fixture)
{
    private IUsageMeterGrain NewMeter() =>
        fixture.Grains.GetGrain<IUsageMeterGrain>(UsageMeterKey.For($"ctr-{Guid.NewGuid():N}"));

    // Read once per test: every event of a test is dated now, and so are its totals.
    private readonly string Period = Domain.BillingPeriod.Containing(ClusterFixture.Time.GetUtcNow(), Domain.BillingPeriod.DefaultZone).Id;

    private static UsageEvent Event(string id, long units) =>
        new(id, units, ClusterFixture.Time.GetUtcNow(), "test", null);

    [Fact]
    public async Task The_same_event_id_sent_from_20_concurrent_tasks_counts_once()
    {
        var meter = NewMeter();

        var receipts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => meter.Record(Event("evt-1", 7)))));
        var totals = await meter.GetTotals(Period);

        Assert.Equal(1, receipts.Count(r => !r.Duplicate));
        Assert.Equal(7, totals.Units);
        Assert.Equal(1, totals.Events);
    }

    [Fact]
    public async Task Distinct_concurrent_events_all_count()
    {
        var meter = NewMeter();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => meter.Record(Event($"evt-{i}", 2))));
        var totals = await meter.GetTotals(Period);

        Assert.Equal(400, totals.Units);
        Assert.Equal(200, totals.Events);
    }

    [Fact]
    public async Task A_batch_with_repeated_ids_counts_each_id_once()
    {
        var meter = NewMeter();

        var receipts = await meter.RecordBatch([Event("a", 1), Event("b", 2), Event("a", 1)]);

        Assert.Equal([false, false, true], receipts.Select(r => r.Duplicate));
        Assert.Equal(3, (await meter.GetTotals(Period)).Units);
    }

    [Fact]
    public async Task The_same_generated_id_twice_in_one_batch_counts_once()
    {
        var meter = NewMeter();
        var generated = new UsageEvent("0193a7f0c2d47c1e9b6a", 4, ClusterFixture.Time.GetUtcNow(), UsageSources.BrokerAssigned, null);

        var receipts = await meter.RecordBatch([generated, generated with { Units = 9 }]);

        Assert.Equal([false, true], receipts.Select(r => r.Duplicate));
        Assert.All(receipts, r => Assert.Equal(4, r.Units));
        Assert.Equal(4, (await meter.GetTotals(Period)).Units);
    }

    [Fact]
    public async Task A_reactivated_meter_rebuilds_its_totals_and_still_dedups_from_the_ledger()
    {
        var key = UsageMeterKey.For($"ctr-{Guid.NewGuid():N}");
        var meter = fixture.Grains.GetGrain<IUsageMeterGrain>(key);
        await meter.Record(Event("x", 5));
        await meter.Record(Event("y", 6));

        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var replay = await fixture.Grains.GetGrain<IUsageMeterGrain>(key).Record(Event("x", 5));
        var totals = await fixture.Grains.GetGrain<IUsageMeterGrain>(key).GetTotals(Period);

        Assert.True(replay.Duplicate);
        Assert.Equal(11, totals.Units);
    }

    [Fact]
    public async Task Ids_the_broker_generated_count_but_are_not_kept_for_duplicate_checks()
    {
        var meter = NewMeter();
        var id = Guid.CreateVersion7().ToString("N");

        var receipt = await meter.Record(new UsageEvent(id, 10, ClusterFixture.Time.GetUtcNow(), UsageSources.BrokerAssigned, null));
        var found = await meter.Find(id);
        var totals = await meter.GetTotals(Period);

        Assert.False(receipt.Duplicate);
        Assert.Null(found);
        Assert.Equal(10, totals.Units);
    }

    [Fact]
    public async Task Negative_units_are_refused()
    {
        var ex = await Assert.ThrowsAsync<Domain.DomainException>(() => NewMeter().Record(Event("neg", -1)));

        Assert.Equal("usage.negative-units", ex.Code);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class SqliteUsageMeterTests(ClusterFixture fixture) : UsageMeterTests(fixture);

[Collection(CosmosClusterCollection.Name)]
public sealed class CosmosUsageMeterTests(CosmosClusterFixture fixture) : UsageMeterTests(fixture);
