using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Grains.Tests.Interruptions;

/// <summary>
/// The same interruptions with no retry: the reconciliation sweep, once the grace period has passed, brings every
/// operation that stored anything to the end an uninterrupted run reaches (or, for a key whose issue stopped, to
/// no key at all); an operation that stored nothing but its intent stays as if never asked.
/// </summary>
public abstract class CrossGrainSweepTests(InterruptionClusterFixture fixture)
{
    [Fact]
    public Task Registering_a_party_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.RegisterParty);

    [Fact]
    public Task Creating_a_dataset_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.CreateDataset);

    [Fact]
    public Task Creating_an_offering_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.CreateOffering);

    [Fact]
    public Task Publishing_an_offering_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.Publish);

    [Fact]
    public Task Delisting_an_offering_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.Delist);

    [Fact]
    public Task Revising_an_offering_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.Revise);

    [Fact]
    public Task Subscribing_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.Subscribe);

    [Fact]
    public Task Approving_a_contract_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.Approve);

    [Fact]
    public Task Adding_a_key_interrupted_half_way_is_undone_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.AddKey);

    [Fact]
    public Task Enrolling_a_person_interrupted_half_way_is_undone_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.AddPerson);

    [Fact]
    public Task Revoking_a_key_interrupted_after_any_write_is_completed_by_the_sweep() =>
        SweptAfterEveryWriteAsync(CrossGrainScenarios.RevokeKey);

    [Fact]
    public async Task The_sweeper_repairs_at_start_up_and_then_periodically_by_the_marketplace_clock()
    {
        var scenario = CrossGrainScenarios.RegisterParty;
        var early = await InterruptAfterStateAsync(scenario);
        fixture.Clock.Advance(OperationJournal.Grace);
        var sweeper = new ReconciliationSweeper(fixture.Sweep, fixture.Silo.GetRequiredService<BillingCalendar>(),
            new StartedHost(), NullLogger<ReconciliationSweeper>.Instance);

        await sweeper.StartAsync(CancellationToken.None);
        var atStart = await SettledAsync(early);
        var late = await InterruptAfterStateAsync(scenario);
        var beforePeriod = await PendingAsync(late);
        // The sweeper may not be waiting on the clock yet when it first moves (it finishes its start-up sweep on
        // its own thread): a period at a time, at most three.
        var afterPeriod = false;
        for (var period = 0; period < 3 && !afterPeriod; period++)
        {
            fixture.Clock.Advance(ReconciliationSweeper.Period);
            afterPeriod = await SettledAsync(late);
        }
        await sweeper.StopAsync(CancellationToken.None);

        Assert.True(atStart, "the orphan left before start-up was not repaired at start-up");
        Assert.True(beforePeriod, "the sweeper repaired an operation before its grace period had passed");
        Assert.True(afterPeriod, "the orphan was not repaired within three periods");
        Assert.Contains("directory [party-#", await scenario.Snapshot(late, []), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_the_sweep_cannot_reconcile_is_retried_later_and_finally_left_failed_for_an_operator()
    {
        var outbox = fixture.Silo.GetRequiredService<IOutbox>();
        var now = fixture.Clock.GetUtcNow();
        var id = $"{OperationJournal.Kind}/test/{Guid.NewGuid():N}";
        await outbox.EnqueueAsync(new OutboxMessage(id, OperationJournal.Kind, new Reconciliation("nothing-known", "x").ToPayload(), id, now, now));

        await fixture.Sweep.SweepOnceAsync();
        var first = await outbox.GetAsync(id);
        for (var attempt = 1; attempt < ReconciliationSweep.MaxAttempts; attempt++)
        {
            fixture.Clock.Advance(TimeSpan.FromHours(1));
            await fixture.Sweep.SweepOnceAsync();
        }
        var last = await outbox.GetAsync(id);

        Assert.Equal((OutboxStatus.Pending, 1), (first?.Status, first?.Attempts));
        Assert.True(first?.DueAt > now, "a failed reconciliation was due again at once");
        Assert.Equal((OutboxStatus.Failed, ReconciliationSweep.MaxAttempts), (last?.Status, last?.Attempts));
    }

    private async Task SweptAfterEveryWriteAsync(CrossGrainScenario scenario)
    {
        var interruptions = fixture.Interruptions;
        var (writes, expected) = await scenario.BaselineAsync(fixture);
        var findings = new List<string>();

        for (var k = 0; k < writes.Count; k++)
        {
            var run = new ScenarioRun(fixture);
            await scenario.Arrange(run);
            var untouched = await scenario.Snapshot(run, []);
            var runMark = interruptions.Mark;
            interruptions.FailWrite(k + 1);
            var interrupted = await Record.ExceptionAsync(() => scenario.Act(run));
            interruptions.Disarm();
            var stored = interruptions.WritesSince(runMark).Take(k).Any(w => !w.StartsWith("outbox ", StringComparison.Ordinal));
            await SweepUntilSettledAsync(run);

            var actual = await CrossGrainRetryTests.CalmAsync(() => scenario.Snapshot(run, interruptions.WritesSince(runMark)));
            var wanted = interrupted is null || (stored && !scenario.SweepUndoes) ? expected : untouched;
            if (actual != wanted)
            {
                findings.Add($"interrupted after write {k} of {CrossGrainScenarios.Describe(writes)}, then swept: ended as\n    {actual}\n  not\n    {wanted}");
            }
        }

        Assert.True(findings.Count == 0, $"{scenario}:\n{string.Join('\n', findings)}");
        Assert.Empty(await PendingIntentsAsync());
    }

    /// <summary>
    /// Sweeps as the sweeper does, a period at a time, until the run's intents are settled (bounded). A grain that
    /// just failed on the store may refuse the first reconciliation while it deactivates; the record then waits
    /// for its next attempt.
    /// </summary>
    private async Task SweepUntilSettledAsync(ScenarioRun run)
    {
        fixture.Clock.Advance(OperationJournal.Grace);
        for (var round = 0; round < 5; round++)
        {
            await fixture.Sweep.SweepOnceAsync();
            if (!await PendingAsync(run))
            {
                return;
            }
            fixture.Clock.Advance(TimeSpan.FromHours(1));
        }
    }

    /// <summary>Registers a party whose directory write fails: its state is stored, its intent pending.</summary>
    private async Task<ScenarioRun> InterruptAfterStateAsync(CrossGrainScenario scenario)
    {
        var run = new ScenarioRun(fixture);
        await scenario.Arrange(run);
        fixture.Interruptions.FailWrite(3);
        await Assert.ThrowsAnyAsync<Exception>(() => scenario.Act(run));
        fixture.Interruptions.Disarm();
        // Read until the grain that failed has deactivated, so the sweep's first call reaches a fresh activation.
        await CrossGrainRetryTests.CalmAsync(() => scenario.Snapshot(run, []));
        return run;
    }

    private async Task<bool> PendingAsync(ScenarioRun run) =>
        (await PendingIntentsAsync()).Any(m => m.Payload.Contains(run.Suffix, StringComparison.Ordinal));

    /// <summary>Waits (bounded, without sleeping) for the background sweep to settle the run's intent.</summary>
    private async Task<bool> SettledAsync(ScenarioRun run)
    {
        for (var attempt = 0; attempt < 2_000; attempt++)
        {
            if (!await PendingAsync(run))
            {
                return true;
            }
            await Task.Yield();
        }
        return false;
    }

    private async Task<IReadOnlyList<OutboxMessage>> PendingIntentsAsync() =>
        [.. (await fixture.Silo.GetRequiredService<IOutbox>().ListAsync(OutboxStatus.Pending, 1_000)).Where(m => m.Kind == OperationJournal.Kind)];

    private sealed class StartedHost : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => new(canceled: true);

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}

[Collection(InterruptionCollection.Name)]
public sealed class SqliteCrossGrainSweepTests(InterruptionClusterFixture fixture) : CrossGrainSweepTests(fixture);

/// <summary>The sweep claims its records through the outbox port: on Cosmos as on SQLite.</summary>
[Collection(CosmosInterruptionCollection.Name)]
public sealed class CosmosCrossGrainSweepTests(CosmosInterruptionClusterFixture fixture) : CrossGrainSweepTests(fixture);
