using Marketplace.Domain;

namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every adapter of <see cref="IConsentIndex"/> shares.</summary>
public abstract class ConsentIndexConformance
{
    protected static readonly DateTimeOffset Given = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(9));

    private static readonly ConsentScope Health = ConsentScope.ForCategory(DataCategories.Health);

    /// <summary>Opens the consent index over this test's own, initially empty storage.</summary>
    protected abstract Task<IConsentIndex> OpenAsync();

    [Fact]
    public async Task A_stored_grant_reads_back_with_all_its_terms()
    {
        var index = await OpenAsync();
        var grant = Grant("cr-1", "subj-1") with
        {
            Terms = new ConsentTerms(ConsentScope.ForDataset("ds-journeys"), ["origin", "mode"],
                [ConsentPurposes.CityPlanning, ConsentPurposes.AcademicResearch], ["buyer-a"],
                [RecipientClass.PublicBody, RecipientClass.Academic], Given.AddDays(90), SensitiveExplicit: true),
            WithdrawnAt = Given.AddDays(2),
        };

        Assert.True(await index.PutAsync(grant));
        var found = Assert.Single(await index.FindBySubjectsAsync("bank-1", ["subj-1"]));

        Assert.Equal(grant, found);
    }

    [Fact]
    public async Task An_older_version_arriving_after_a_withdrawal_does_not_bring_the_consent_back()
    {
        var index = await OpenAsync();
        var given = Grant("cr-1", "subj-1", version: 1);
        await index.PutAsync(given);
        await index.PutAsync(given with { Version = 2, WithdrawnAt = Given.AddHours(1) });

        var stored = await index.PutAsync(given);

        Assert.False(stored);
        var found = Assert.Single(await index.FindBySubjectsAsync("bank-1", ["subj-1"]));
        Assert.Equal(2, found.Version);
        Assert.NotNull(found.WithdrawnAt);
    }

    [Fact]
    public async Task Writing_the_same_version_again_stores_nothing()
    {
        var index = await OpenAsync();
        await index.PutAsync(Grant("cr-1", "subj-1", version: 3));

        var stored = await index.PutAsync(Grant("cr-1", "subj-1", version: 3) with { WithdrawnAt = Given.AddHours(1) });

        Assert.False(stored);
        Assert.Null(Assert.Single(await index.FindBySubjectsAsync("bank-1", ["subj-1"])).WithdrawnAt);
    }

    [Fact]
    public async Task A_newer_version_replaces_the_stored_one()
    {
        var index = await OpenAsync();
        await index.PutAsync(Grant("cr-1", "subj-1", version: 1));

        var stored = await index.PutAsync(Grant("cr-1", "subj-1", version: 2) with { WithdrawnAt = Given.AddHours(1) });

        Assert.True(stored);
        Assert.Equal(2, Assert.Single(await index.FindBySubjectsAsync("bank-1", ["subj-1"])).Version);
    }

    [Fact]
    public async Task Concurrent_writes_of_many_versions_leave_the_newest()
    {
        var index = await OpenAsync();

        var stored = await Task.WhenAll(Enumerable.Range(1, 12).Reverse().Select(v => index.PutAsync(Grant("cr-1", "subj-1", version: v))));

        Assert.Contains(true, stored);
        Assert.Equal(12, Assert.Single(await index.FindBySubjectsAsync("bank-1", ["subj-1"])).Version);
    }

    [Fact]
    public async Task A_lookup_returns_every_grant_of_exactly_the_people_asked_at_that_bank_only()
    {
        var index = await OpenAsync();
        await index.PutAsync(Grant("cr-1", "subj-1"));
        await index.PutAsync(Grant("cr-2", "subj-1", scope: ConsentScope.ForDataset("ds-1")));
        await index.PutAsync(Grant("cr-3", "subj-2"));
        await index.PutAsync(Grant("cr-4", "subj-3"));
        // The same subject id at another bank is another person.
        await index.PutAsync(Grant("cr-5", "subj-1", bank: "bank-2"));

        var found = await index.FindBySubjectsAsync("bank-1", ["subj-1", "subj-2", "subj-9"]);

        Assert.Equal(["cr-1", "cr-2", "cr-3"], found.Select(g => g.RecordId).Order(StringComparer.Ordinal));
        Assert.All(found, g => Assert.Equal("bank-1", g.BankId));
    }

    [Fact]
    public async Task A_lookup_of_a_thousand_people_answers_for_each_of_them()
    {
        var index = await OpenAsync();
        var subjects = Enumerable.Range(0, ConsentIndexLimits.MaxSubjectsPerLookup).Select(i => $"subj-{i:D4}").ToArray();
        foreach (var subject in subjects.Where((_, i) => i % 100 == 0))
        {
            await index.PutAsync(Grant($"cr-{subject}", subject));
        }

        var found = await index.FindBySubjectsAsync("bank-1", subjects);

        Assert.Equal(10, found.Count);
    }

    [Fact]
    public async Task A_lookup_of_more_than_a_thousand_people_is_refused()
    {
        var index = await OpenAsync();
        var subjects = Enumerable.Range(0, ConsentIndexLimits.MaxSubjectsPerLookup + 1).Select(i => $"subj-{i}").ToArray();

        await Assert.ThrowsAsync<ArgumentException>(() => index.FindBySubjectsAsync("bank-1", subjects));
        await Assert.ThrowsAsync<ArgumentException>(() => index.FindSubjectsAsync("bank-1", subjects));
    }

    [Fact]
    public async Task A_lookup_of_nobody_finds_nothing()
    {
        var index = await OpenAsync();
        await index.PutAsync(Grant("cr-1", "subj-1"));

        Assert.Empty(await index.FindBySubjectsAsync("bank-1", []));
    }

    [Fact]
    public async Task A_scope_is_listed_in_record_id_order_a_page_at_a_time_at_its_bank_only()
    {
        var index = await OpenAsync();
        foreach (var i in new[] { 4, 0, 6, 2, 5, 1, 3 })
        {
            await index.PutAsync(Grant($"cr-{i}", $"subj-{i}"));
        }
        await index.PutAsync(Grant("cr-other-scope", "subj-1", scope: ConsentScope.ForCategory(DataCategories.Mobility)));
        await index.PutAsync(Grant("cr-other-bank", "subj-1", bank: "bank-2"));

        var sizes = new List<int>();
        var ids = new List<string>();
        string? after = null;
        do
        {
            var page = await index.ListByScopeAsync("bank-1", Health, after, 3);
            sizes.Add(page.Count);
            ids.AddRange(page.Select(g => g.RecordId));
            after = page.Count == 3 ? page[^1].RecordId : null;
        }
        while (after is not null && sizes.Count < 10);

        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"cr-{i}"), ids);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ConsentIndexLimits.MaxPageSize + 1)]
    public async Task A_scope_page_size_out_of_bounds_is_refused(int pageSize)
    {
        var index = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.ListByScopeAsync("bank-1", Health, null, pageSize));
    }

    [Fact]
    public async Task A_subject_reads_back_and_an_older_version_does_not_replace_it()
    {
        var index = await OpenAsync();
        var deleted = new SubjectEntry("bank-1", "subj-1", AggregateOptOut: true, DeletionRequestedAt: Given, Version: 2);
        Assert.True(await index.PutSubjectAsync(deleted));

        Assert.False(await index.PutSubjectAsync(new SubjectEntry("bank-1", "subj-1", false, null, 1)));
        Assert.False(await index.PutSubjectAsync(new SubjectEntry("bank-1", "subj-1", false, null, 2)));

        var found = Assert.Single(await index.FindSubjectsAsync("bank-1", ["subj-1"]));
        Assert.Equal(deleted, found);
    }

    [Fact]
    public async Task Subjects_are_found_at_their_bank_only_and_people_never_registered_are_left_out()
    {
        var index = await OpenAsync();
        await index.PutSubjectAsync(new SubjectEntry("bank-1", "subj-1", false, null, 1));
        await index.PutSubjectAsync(new SubjectEntry("bank-1", "subj-2", true, null, 1));
        await index.PutSubjectAsync(new SubjectEntry("bank-2", "subj-3", false, null, 1));

        var found = await index.FindSubjectsAsync("bank-1", ["subj-1", "subj-2", "subj-3", "subj-9"]);

        Assert.Equal(["subj-1", "subj-2"], found.Select(s => s.SubjectId).Order(StringComparer.Ordinal));
        Assert.True(found.Single(s => s.SubjectId == "subj-2").AggregateOptOut);
    }

    [Fact]
    public async Task A_newer_subject_version_replaces_the_stored_one()
    {
        var index = await OpenAsync();
        await index.PutSubjectAsync(new SubjectEntry("bank-1", "subj-1", false, null, 1));

        Assert.True(await index.PutSubjectAsync(new SubjectEntry("bank-1", "subj-1", true, null, 2)));

        Assert.True(Assert.Single(await index.FindSubjectsAsync("bank-1", ["subj-1"])).AggregateOptOut);
    }

    protected static ConsentGrant Grant(string recordId, string subjectId, int version = 1, string bank = "bank-1", ConsentScope? scope = null) =>
        new(recordId, subjectId, bank, version,
            new ConsentTerms(scope ?? Health, [], [ConsentPurposes.PublicHealthResearch], [], [RecipientClass.PublicBody], Given.AddDays(365), false),
            Given, null, "notice-1", 1);
}
