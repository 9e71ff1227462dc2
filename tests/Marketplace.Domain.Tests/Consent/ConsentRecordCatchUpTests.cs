namespace Marketplace.Domain.Tests.Consent;

/// <summary>A record left behind what is in force (a change or withdrawal put in force, then its storing failed) catches up.</summary>
public sealed class ConsentRecordCatchUpTests
{
    private static readonly DateTimeOffset Given = new(2026, 11, 1, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly DateTimeOffset Now = Given.AddDays(10);

    private static readonly ConsentTerms Wide = new(ConsentScope.Parse("dataset:health-checks"), ["age", "hba1c"], [ConsentPurposes.AcademicResearch], [],
        [RecipientClass.Academic], Given.AddDays(90), true);

    private static readonly ConsentTerms Narrow = Wide with { Items = ["age"], SensitiveExplicit = false };

    private static ConsentRecord Record() =>
        new ConsentRecord("consent-1", "subj-1", "bank", "notice", 1, "ja", Wide, [])
            .With(ConsentEventKind.Given, Given, ConsentActor.Subject, "subj-1");

    [Fact]
    public void A_newer_change_in_force_becomes_the_records_terms_with_a_change_by_the_person_at_its_version()
    {
        var record = Record();
        var inForce = record.ToGrant() with { Version = 2, Terms = Narrow, NoticeVersion = 2 };

        var caughtUp = record.CatchUp(inForce, Now);

        Assert.Equal(Narrow, caughtUp.Terms);
        Assert.Equal(2, caughtUp.NoticeVersion);
        Assert.Equal(new ConsentEvent(ConsentEventKind.Changed, Now, ConsentActor.Subject, "subj-1", 2), caughtUp.Events[^1]);
        Assert.Equal(inForce, caughtUp.ToGrant());
    }

    [Fact]
    public void A_newer_withdrawal_in_force_is_recorded_at_the_time_it_took_effect()
    {
        var record = Record();
        var withdrawnAt = Given.AddDays(3);

        var caughtUp = record.CatchUp(record.ToGrant() with { Version = 2, WithdrawnAt = withdrawnAt }, Now);

        Assert.Equal(ConsentStatus.Withdrawn, caughtUp.StatusAt(Now));
        Assert.Equal(new ConsentEvent(ConsentEventKind.Withdrawn, withdrawnAt, ConsentActor.System, "marketplace", 2), caughtUp.Events[^1]);
    }

    [Fact]
    public void Several_missed_versions_become_one_event_at_the_version_in_force()
    {
        var record = Record();

        var caughtUp = record.CatchUp(record.ToGrant() with { Version = 4, Terms = Narrow }, Now);

        Assert.Equal(2, caughtUp.Events.Count);
        Assert.Equal(4, caughtUp.Version);
    }

    [Fact]
    public void The_same_an_older_or_another_records_version_changes_nothing()
    {
        var record = Record().With(ConsentEventKind.Changed, Given.AddDays(1), ConsentActor.Subject, "subj-1");

        Assert.Same(record, record.CatchUp(record.ToGrant(), Now));
        Assert.Same(record, record.CatchUp(record.ToGrant() with { Version = 1, Terms = Narrow }, Now));
        Assert.Same(record, record.CatchUp(record.ToGrant() with { RecordId = "consent-2", Version = 9 }, Now));
    }

    [Fact]
    public void A_record_at_its_most_events_still_records_what_is_in_force()
    {
        var record = Record();
        while (record.Events.Count < ConsentRecord.MaxEvents)
        {
            record = record.With(ConsentEventKind.Changed, Given, ConsentActor.Subject, "subj-1");
        }

        var caughtUp = record.CatchUp(record.ToGrant() with { Version = record.Version + 1, Terms = Narrow }, Now);

        Assert.Equal(ConsentRecord.MaxEvents + 1, caughtUp.Events.Count);
        Assert.Equal(Narrow, caughtUp.Terms);
    }
}
