using Marketplace.Domain;

namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every adapter of <see cref="IProvisionLog"/> shares.</summary>
public abstract class ProvisionLogConformance
{
    protected static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(9));

    /// <summary>Opens the provision log over this test's own, initially empty storage.</summary>
    protected abstract Task<IProvisionLog> OpenAsync();

    [Fact]
    public async Task An_appended_provision_reads_back_with_all_its_fields()
    {
        var log = await OpenAsync();
        var provision = Provision("ev-1", "subj-1", Start) with { Items = ["origin", "mode"], Records = 7 };

        await log.AppendAsync([provision]);

        var found = Assert.Single(await log.ListBySubjectAsync("bank-1", "subj-1", null, 10));
        Assert.Equal(provision with { Items = found.Items }, found);
        Assert.Equal(["origin", "mode"], found.Items);
    }

    [Fact]
    public async Task Appending_the_same_event_and_person_again_records_nothing_twice()
    {
        var log = await OpenAsync();
        await log.AppendAsync([Provision("ev-1", "subj-1", Start), Provision("ev-1", "subj-2", Start)]);

        await log.AppendAsync([Provision("ev-1", "subj-1", Start) with { Records = 99 }, Provision("ev-2", "subj-1", Start.AddMinutes(1))]);

        var counts = await log.CountByContractAsync("ctr-1", "2026-12");
        Assert.Equal([new ProvisionCount("subj-1", 2, 0), new ProvisionCount("subj-2", 1, 0)], counts.OrderBy(c => c.SubjectId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_later_append_of_an_event_adds_only_its_new_people_under_the_event_as_first_recorded()
    {
        var log = await OpenAsync();
        await log.AppendAsync([.. new[] { "subj-1", "subj-2", "subj-3" }.Select(s => Provision("ev-1", s, Start))]);

        // A retry a minute later whose page had other people: subj-2 is recorded already, subj-0 and subj-4 are new.
        await log.AppendAsync([.. new[] { "subj-4", "subj-2", "subj-0" }.Select(s => Provision("ev-1", s, Start.AddMinutes(1)) with { Records = 5 })]);

        var counts = await log.CountByContractAsync("ctr-1", "2026-12");
        Assert.Equal(
            [new ProvisionCount("subj-0", 5, 0), new ProvisionCount("subj-1", 1, 0), new ProvisionCount("subj-2", 1, 0),
             new ProvisionCount("subj-3", 1, 0), new ProvisionCount("subj-4", 5, 0)],
            counts.OrderBy(c => c.SubjectId, StringComparer.Ordinal));
        Assert.Equal(Start, Assert.Single(await log.ListBySubjectAsync("bank-1", "subj-4", null, 10)).At);
    }

    [Fact]
    public async Task Concurrent_appends_of_one_event_record_each_person_once()
    {
        var log = await OpenAsync();
        // Four requests with the same key race: each served an overlapping set of people.
        var sets = Enumerable.Range(0, 4).Select(r => Enumerable.Range(r * 50, 300).Select(i => Provision("ev-1", $"subj-{i:D4}", Start)).ToArray());

        await Task.WhenAll(sets.Select(set => Task.Run(() => log.AppendAsync(set))));

        var counts = await log.CountByContractAsync("ctr-1", "2026-12");
        Assert.Equal(450, counts.Count);
        Assert.All(counts, c => Assert.Equal(1, c.Records));
    }

    [Fact]
    public async Task Concurrent_appends_of_many_events_are_each_recorded_once_the_append_returns()
    {
        var log = await OpenAsync();
        // Many fetches of a personal dataset at once (the SQLite log writes them in shared transactions).
        var appends = Enumerable.Range(0, 64).Select(e => Task.Run(async () =>
        {
            await log.AppendAsync([.. Enumerable.Range(0, 3).Select(p => Provision($"ev-{e:D3}", $"subj-{p}", Start.AddSeconds(e)))]);
            return Assert.Single(await log.ListBySubjectAsync("bank-1", "subj-0", (Start.AddSeconds(e), "ev-~"), 1)).EventId;
        }));

        var seen = await Task.WhenAll(appends);

        Assert.Equal(Enumerable.Range(0, 64).Select(e => $"ev-{e:D3}"), seen);
        var counts = await log.CountByContractAsync("ctr-1", "2026-12");
        Assert.Equal([new ProvisionCount("subj-0", 64, 0), new ProvisionCount("subj-1", 64, 0), new ProvisionCount("subj-2", 64, 0)],
            counts.OrderBy(c => c.SubjectId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Counts_sum_each_persons_records_and_aggregate_provisions_for_one_contract_and_period_only()
    {
        var log = await OpenAsync();
        await log.AppendAsync(
        [
            Provision("ev-1", "subj-1", Start) with { Records = 3 },
            Provision("ev-2", "subj-1", Start.AddMinutes(1)) with { Records = 4 },
            Provision("ev-3", "subj-1", Start.AddMinutes(2)) with { Records = 0, Aggregate = true },
            Provision("ev-4", "subj-1", Start.AddMinutes(3)) with { Records = 0, Aggregate = true },
            Provision("ev-3", "subj-2", Start.AddMinutes(2)) with { Records = 0, Aggregate = true },
            Provision("ev-5", "subj-1", Start.AddMinutes(4)) with { ContractId = "ctr-2", Records = 50 },
            Provision("ev-6", "subj-1", Start.AddMonths(1)) with { Period = "2027-01", Records = 60 },
        ]);

        var counts = await log.CountByContractAsync("ctr-1", "2026-12");

        Assert.Equal([new ProvisionCount("subj-1", 7, 2), new ProvisionCount("subj-2", 0, 1)], counts.OrderBy(c => c.SubjectId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_contract_with_no_provisions_in_the_period_counts_nobody()
    {
        var log = await OpenAsync();
        await log.AppendAsync([Provision("ev-1", "subj-1", Start)]);

        Assert.Empty(await log.CountByContractAsync("ctr-1", "2027-01"));
    }

    [Fact]
    public async Task A_persons_provisions_are_listed_newest_first_a_page_at_a_time_without_repeats_or_gaps()
    {
        var log = await OpenAsync();
        // Seven provisions, two per instant, so page boundaries fall between provisions at the same instant.
        await log.AppendAsync([.. Enumerable.Range(0, 7).Select(i => Provision($"ev-{i}", "subj-1", Start.AddMinutes(i / 2)))]);
        await log.AppendAsync([Provision("ev-9", "subj-2", Start.AddMinutes(9)), Provision("ev-8", "subj-1", Start, bank: "bank-2")]);

        var sizes = new List<int>();
        var ids = new List<string>();
        (DateTimeOffset, string)? before = null;
        do
        {
            var page = await log.ListBySubjectAsync("bank-1", "subj-1", before, 3);
            sizes.Add(page.Count);
            ids.AddRange(page.Select(p => p.EventId));
            before = page.Count == 3 ? (page[^1].At, page[^1].EventId) : null;
        }
        while (before is not null && sizes.Count < 10);

        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(["ev-6", "ev-5", "ev-4", "ev-3", "ev-2", "ev-1", "ev-0"], ids);
    }

    [Fact]
    public async Task Many_provisions_append_in_one_call()
    {
        var log = await OpenAsync();

        await log.AppendAsync([.. Enumerable.Range(0, 1_000).Select(i => Provision("ev-1", $"subj-{i:D4}", Start))]);

        Assert.Equal(1_000, (await log.CountByContractAsync("ctr-1", "2026-12")).Count);
    }

    [Fact]
    public async Task A_prune_removes_whole_events_before_the_cutoff_oldest_first_a_bounded_number_a_call_and_nothing_twice()
    {
        var log = await OpenAsync();
        await log.AppendAsync(
        [
            Provision("ev-old-1", "subj-1", Start), Provision("ev-old-1", "subj-2", Start),
            Provision("ev-old-2", "subj-1", Start.AddMinutes(1)),
            Provision("ev-old-3", "subj-2", Start.AddMinutes(2)),
            Provision("ev-new", "subj-1", Start.AddDays(1)),
        ]);

        Assert.Equal(2, await log.PruneAsync(Start.AddHours(1), maxEvents: 2));
        Assert.Equal(1, await log.PruneAsync(Start.AddHours(1), maxEvents: 2));
        Assert.Equal(0, await log.PruneAsync(Start.AddHours(1), maxEvents: 2));

        Assert.Equal(["ev-new"], (await log.ListBySubjectAsync("bank-1", "subj-1", null, 10)).Select(p => p.EventId));
        Assert.Empty(await log.ListBySubjectAsync("bank-1", "subj-2", null, 10));
        Assert.Equal([new ProvisionCount("subj-1", 1, 0)], await log.CountByContractAsync("ctr-1", "2026-12"));
    }

    [Fact]
    public async Task A_provision_without_an_event_id_is_refused()
    {
        var log = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => log.AppendAsync([Provision("", "subj-1", Start)]));
    }

    protected static Provision Provision(string eventId, string subjectId, DateTimeOffset at, string bank = "bank-1") =>
        new(eventId, bank, subjectId, "ctr-1", "buyer-a", "ds-journeys", ConsentPurposes.CityPlanning, $"cr-{subjectId}",
            [], Records: 1, Aggregate: false, at, "2026-12");
}
