using Marketplace.Domain;

namespace Marketplace.Grains.Tests.Interruptions;

/// <summary>
/// Every operation that writes more than one thing (grain state and an index, two grains, state and the catalog),
/// interrupted after each of its writes and then repeated by its caller, ends exactly as an uninterrupted run:
/// the repeat completes what was missing and makes nothing twice.
/// </summary>
[Collection(InterruptionCollection.Name)]
public sealed class CrossGrainRetryTests(InterruptionClusterFixture fixture)
{
    [Fact]
    public Task Registering_a_party_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.RegisterParty);

    [Fact]
    public Task Creating_a_dataset_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.CreateDataset);

    [Fact]
    public Task Creating_an_offering_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.CreateOffering);

    [Fact]
    public Task Publishing_an_offering_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.Publish);

    [Fact]
    public Task Delisting_an_offering_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.Delist);

    [Fact]
    public Task Revising_an_offering_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.Revise);

    [Fact]
    public Task Subscribing_interrupted_after_any_write_and_retried_makes_one_contract_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.Subscribe);

    [Fact]
    public Task Approving_a_contract_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.Approve);

    [Fact]
    public Task Adding_a_key_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.AddKey);

    [Fact]
    public Task Enrolling_a_person_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.AddPerson);

    [Fact]
    public Task Revoking_a_key_interrupted_after_any_write_and_retried_ends_as_if_never_interrupted() =>
        RetriedAfterEveryWriteAsync(CrossGrainScenarios.RevokeKey);

    /// <summary>
    /// Retries as a caller retries a 503: a grain that failed on the store deactivates, and should a call that reaches
    /// it meanwhile be refused with the same failure, the caller tries again (bounded, no pause).
    /// </summary>
    internal static async Task<Exception?> RetryAsync(Func<Task> act)
    {
        Exception? failure = null;
        for (var attempt = 0; attempt < 500; attempt++)
        {
            failure = await Record.ExceptionAsync(act);
            if (failure is null || !failure.ToString().Contains("Injected interruption", StringComparison.Ordinal))
            {
                return failure;
            }
            await Task.Yield();
        }
        return failure;
    }

    /// <summary>Reads as a caller reads right after a 503: again, while the grain that failed is still deactivating.</summary>
    internal static async Task<T> CalmAsync<T>(Func<Task<T>> read)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Exception e) when (attempt < 500 && e.ToString().Contains("Injected interruption", StringComparison.Ordinal))
            {
                await Task.Yield();
            }
        }
    }

    private async Task RetriedAfterEveryWriteAsync(CrossGrainScenario scenario)
    {
        var interruptions = fixture.Interruptions;
        var (writes, expected) = await scenario.BaselineAsync(fixture);
        var findings = new List<string>();

        // Interrupted at write k + 1: the first k writes are stored, nothing after them.
        for (var k = 0; k < writes.Count; k++)
        {
            var run = new ScenarioRun(fixture);
            await scenario.Arrange(run);
            var runMark = interruptions.Mark;
            interruptions.FailWrite(k + 1);
            var interrupted = await Record.ExceptionAsync(() => scenario.Act(run));
            interruptions.Disarm();
            // An attempt whose only failure was discarding its intent succeeded (all it stands for is stored):
            // there is nothing to retry.
            var retried = interrupted is null ? null : await RetryAsync(() => scenario.Act(run));
            var runWrites = interruptions.WritesSince(runMark);
            var actual = await CalmAsync(() => scenario.Snapshot(run, runWrites));
            var where = $"interrupted after write {k} of {CrossGrainScenarios.Describe(writes)}";
            if (retried is not null)
            {
                findings.Add($"{where}: the retry failed: {(retried as DomainException)?.Code} {retried.Message}");
            }
            if (actual != expected)
            {
                findings.Add($"{where}: ended as\n    {actual}\n  not\n    {expected}");
            }
        }

        Assert.True(writes.Count > 1, $"{scenario} made {writes.Count} write(s); it is not an operation across grains.");
        Assert.True(findings.Count == 0, $"{scenario}:\n{string.Join('\n', findings)}");
    }
}
