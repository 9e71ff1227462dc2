using Marketplace.Domain;

namespace Marketplace.Grains.Tests;

/// <summary>
/// Two activations of one meter (one in each cluster, sharing the store) and recordings that overlap: the ledger
/// decides what is new, so no event is counted twice, in the ledger or in the totals either meter answers.
/// </summary>
public abstract class UsageMeterOverlapTests(SharedStoreClustersFixture fixture)
{
    private readonly string _contractId = $"ctr-{Guid.NewGuid():N}";

    private string Period => BillingPeriod.Containing(fixture.Clock.GetUtcNow(), BillingPeriod.DefaultZone).Id;

    private IUsageMeterGrain InFirst => fixture.First.GrainFactory.GetGrain<IUsageMeterGrain>(UsageMeterKey.For(_contractId));

    private IUsageMeterGrain InSecond => fixture.Second.GrainFactory.GetGrain<IUsageMeterGrain>(UsageMeterKey.For(_contractId));

    private UsageEvent Event(string id, long units, string? fingerprint = null) =>
        new(id, units, fixture.Clock.GetUtcNow(), UsageSources.Provider("prov-1"), fingerprint);

    [Fact]
    public async Task An_event_the_other_activation_recorded_is_answered_as_a_duplicate_with_what_the_ledger_holds()
    {
        await InSecond.GetTotals(Period); // both activations exist before either records
        var first = await InFirst.Record(Event("evt-1", 4, "first"));

        var second = await InSecond.Record(Event("evt-1", 9, "altered"));

        Assert.False(first.Duplicate);
        Assert.Equal(new UsageReceipt("evt-1", Duplicate: true, 4, "first"), second);
        Assert.Equal(new MeterTotals(_contractId, Period, 4, 1), await InSecond.GetTotals(Period));
        Assert.Equal(new MeterTotals(_contractId, Period, 4, 1), await InFirst.GetTotals(Period));
    }

    [Fact]
    public async Task The_same_events_sent_to_both_activations_at_once_count_once_each()
    {
        await Task.WhenAll(InFirst.GetTotals(Period), InSecond.GetTotals(Period));
        var events = Enumerable.Range(0, 60).Select(i => Event($"evt-{i}", 2)).ToArray();

        var answers = await Task.WhenAll(events.SelectMany(e => new[] { InFirst.Record(e), InSecond.Record(e) }));

        Assert.Equal(60, answers.Count(a => !a.Duplicate));
        Assert.All(answers.GroupBy(a => a.EventId), pair => Assert.Single(pair, a => !a.Duplicate));
        Assert.Equal(60, await fixture.StoredEventsAsync(_contractId, Period));
        Assert.Equal(new MeterTotals(_contractId, Period, 120, 60), await InFirst.GetTotals(Period));
        Assert.Equal(new MeterTotals(_contractId, Period, 120, 60), await InSecond.GetTotals(Period));
    }

    [Fact]
    public async Task A_quota_decision_sees_usage_the_other_activation_recorded_once_its_totals_are_a_few_seconds_old()
    {
        var capped = new UsagePolicy(["research"], null, null, MaxUnitsPerPeriod: 10, false);
        var pricing = PricingPlan.Free(Currency.JPY, UsageUnit.Record);
        QuotaHold HoldOf(string id, long units) =>
            new(id, capped, pricing, new AccessRequest("research", fixture.Clock.GetUtcNow(), null, 0, units, null, UsageUnit.Record));
        await InSecond.Release((await InSecond.Hold(HoldOf("warm-up", 1))).Allowed ? "warm-up" : "none");
        await InFirst.Record(Event("evt-big", 8));

        fixture.Clock.Advance(TimeSpan.FromSeconds(6));
        var decision = await InSecond.Hold(HoldOf("after", 5));

        Assert.Equal(2, decision.UnitsGranted);
    }

    [Fact]
    public async Task A_batch_whose_own_events_committed_records_an_id_it_waited_on_when_that_recording_failed()
    {
        fixture.Faults.HoldAndFail("evt-contested");
        var failing = InFirst.Record(Event("evt-contested", 3));
        await fixture.Faults.Arrival("evt-contested");

        var batch = InFirst.RecordBatch([Event("evt-own", 1), Event("evt-contested", 3)]);
        await fixture.Faults.Arrival("evt-own");
        fixture.Faults.Fail("evt-contested");

        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        var receipts = await batch;
        Assert.Equal([false, false], receipts.Select(r => r.Duplicate));
        Assert.Equal(new MeterTotals(_contractId, Period, 4, 2), await InFirst.GetTotals(Period));
    }

    [Fact]
    public async Task An_id_pushed_out_of_the_meters_bounded_memory_is_still_refused_and_found_through_the_ledger()
    {
        await InFirst.Record(Event("evt-first", 3, "first"));
        for (var batch = 0; batch * 1_000 < RecentUsageEvents.CachedIds + 1_000; batch++)
        {
            await InFirst.RecordBatch([.. Enumerable.Range(0, 1_000).Select(i => Event($"evt-{batch}-{i}", 1))]);
        }

        var replay = await InFirst.Record(Event("evt-first", 9, "altered"));

        Assert.Equal(new UsageReceipt("evt-first", Duplicate: true, 3, "first"), replay);
        Assert.Equal(new UsageReceipt("evt-first", Duplicate: true, 3, "first"), await InSecond.Find("evt-first"));
        Assert.Equal(1 + (long)Math.Ceiling((RecentUsageEvents.CachedIds + 1_000) / 1_000.0) * 1_000, (await InFirst.GetTotals(Period)).Events);
    }

    [Fact]
    public void The_source_of_ids_the_broker_generates_is_the_one_the_ledger_need_not_check()
    {
        Assert.Equal(Storage.UsageRecord.GeneratedSource, UsageSources.BrokerAssigned);
    }
}

[Collection(SharedSqliteClustersCollection.Name)]
public sealed class SqliteUsageMeterOverlapTests(SharedSqliteClustersFixture fixture) : UsageMeterOverlapTests(fixture);

[Collection(SharedCosmosClustersCollection.Name)]
public sealed class CosmosUsageMeterOverlapTests(SharedCosmosClustersFixture fixture) : UsageMeterOverlapTests(fixture);
