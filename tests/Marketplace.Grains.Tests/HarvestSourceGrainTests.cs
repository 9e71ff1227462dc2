using Marketplace.Domain;

namespace Marketplace.Grains.Tests;

/// <summary>
/// A harvest source's runs: one at a time under a lease, a run that died is taken over once its lease ends, and what a
/// run saw is remembered before any listing is written, so a crash midway never loses track of a listing.
/// </summary>
public sealed class HarvestSourceGrainTests(OwnClockClusterFixture fixture) : IClassFixture<OwnClockClusterFixture>
{
    private static readonly HarvestSourceDefinition Definition = new("City B", HarvestSourceKind.Ckan, "https://b.example/api/3/action", HarvestSchedule.Hourly, "City B");

    private async Task<IHarvestSourceGrain> SourceAsync()
    {
        var source = fixture.Grains.GetGrain<IHarvestSourceGrain>($"hs-{Guid.NewGuid():N}"[..15]);
        await source.Register(Definition);
        return source;
    }

    private static HarvestRunView Run(string runId) => new(runId, ClusterFixture.Start, ClusterFixture.Start, 1, 1, 0, 0, 0, 0, [], true);

    [Fact]
    public async Task A_second_run_is_refused_while_the_first_holds_its_lease()
    {
        var source = await SourceAsync();
        await source.BeginRun("hr-one", TimeSpan.FromMinutes(30));

        var refusal = await Assert.ThrowsAsync<DomainException>(() => source.BeginRun("hr-two", TimeSpan.FromMinutes(30)));

        Assert.Equal(ErrorCodes.HarvestRunning.Value, refusal.Code);
    }

    [Fact]
    public async Task A_run_that_died_is_taken_over_after_its_lease_and_what_it_saw_is_still_known()
    {
        var source = await SourceAsync();
        await source.BeginRun("hr-dead", TimeSpan.FromMinutes(30));
        await source.RecordSeen("hr-dead", ["bus", "tram"]);

        fixture.Clock.Advance(TimeSpan.FromMinutes(31));
        var known = await source.BeginRun("hr-next", TimeSpan.FromMinutes(30));

        Assert.Equal(["bus", "tram"], known.Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<DomainException>(() => source.CompleteRun(Run("hr-dead"), ["bus"]));
        Assert.Equal(1, (await source.CompleteRun(Run("hr-next"), ["bus"])).Listings);
    }

    [Fact]
    public async Task A_run_that_did_not_complete_forgets_no_source_dataset()
    {
        var source = await SourceAsync();
        await source.BeginRun("hr-stopped", TimeSpan.FromMinutes(30));
        await source.RecordSeen("hr-stopped", ["bus", "tram"]);

        var view = await source.CompleteRun(Run("hr-stopped") with { Completed = false }, ["bus"]);

        Assert.Equal(2, view.Listings);
    }

    [Fact]
    public async Task Registering_the_same_source_again_answers_it_and_another_definition_is_refused()
    {
        var source = await SourceAsync();

        Assert.Equal(Definition, (await source.Register(Definition)).Definition);
        await Assert.ThrowsAsync<DomainException>(() => source.Register(Definition with { Url = "https://c.example/catalog.ttl" }));
    }
}
