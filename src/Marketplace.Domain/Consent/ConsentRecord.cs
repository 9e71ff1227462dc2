namespace Marketplace.Domain;

[GenerateSerializer, Alias("Marketplace.ConsentEventKind")]
public enum ConsentEventKind
{
    Given,
    Changed,
    Withdrawn,
    Expired,
}

/// <summary>Who caused a consent event: the person, the information bank acting for them (a deletion), or the marketplace (an expiry).</summary>
[GenerateSerializer, Alias("Marketplace.ConsentActor")]
public enum ConsentActor
{
    Subject,
    InformationBank,
    System,
}

/// <summary>One event of a consent record, with the version of the record it produced.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ConsentEvent")]
public sealed record ConsentEvent(
    [property: Id(0)] ConsentEventKind Kind,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] ConsentActor Actor,
    [property: Id(3)] string ActorId,
    [property: Id(4)] int Version);

[GenerateSerializer, Alias("Marketplace.ConsentStatus")]
public enum ConsentStatus
{
    Active,
    Withdrawn,
    Expired,
}

/// <summary>
/// A consent record in the structure of ISO/IEC TS 27560:2023: the record id, the subject, the controller (the
/// information bank), the notice and its version it was given under, the language, the terms (purposes, data items,
/// recipients, expiry) and its events (given, changed, withdrawn, expired, with time and actor). Storage location,
/// retention, jurisdiction and the withdrawal method are the notice's.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ConsentRecord")]
public sealed record ConsentRecord(
    string RecordId,
    string SubjectId,
    string BankId,
    string NoticeId,
    int NoticeVersion,
    string Language,
    ConsentTerms Terms,
    IReadOnlyList<ConsentEvent> Events)
{
    /// <summary>Most events one record keeps (a change is an event); beyond it the person gives a new consent instead.</summary>
    public const int MaxEvents = 100;

    [Id(0)] public string RecordId { get; init; } = RecordId;
    [Id(1)] public string SubjectId { get; init; } = SubjectId;
    [Id(2)] public string BankId { get; init; } = BankId;
    [Id(3)] public string NoticeId { get; init; } = NoticeId;
    [Id(4)] public int NoticeVersion { get; init; } = NoticeVersion;
    [Id(5)] public string Language { get; init; } = Language;
    [Id(6)] public ConsentTerms Terms { get; init; } = Terms;

    [Id(7)]
    public IReadOnlyList<ConsentEvent> Events { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Events);

    public int Version => Events.Count == 0 ? 0 : Events[^1].Version;

    public DateTimeOffset GivenAt => Events.Count == 0 ? DateTimeOffset.MinValue : Events[0].At;

    public DateTimeOffset? WithdrawnAt => Events.LastOrDefault(e => e.Kind == ConsentEventKind.Withdrawn)?.At;

    public ConsentStatus StatusAt(DateTimeOffset now) =>
        WithdrawnAt is not null ? ConsentStatus.Withdrawn : Terms.ExpiresAt <= now ? ConsentStatus.Expired : ConsentStatus.Active;

    public ConsentGrant ToGrant() => new(RecordId, SubjectId, BankId, Version, Terms, GivenAt, WithdrawnAt, NoticeId, NoticeVersion);

    /// <summary>The record with one more event (version + 1); a record that already holds <see cref="MaxEvents"/> refuses it.</summary>
    public ConsentRecord With(ConsentEventKind kind, DateTimeOffset at, ConsentActor actor, string actorId)
    {
        if (Events.Count >= MaxEvents)
        {
            throw new DomainException(ErrorCodes.ConsentTooManyEvents,
                $"This consent has been changed {MaxEvents} times; withdraw it and give a new one instead.");
        }
        return this with { Events = [.. Events, new ConsentEvent(kind, at, actor, actorId, Version + 1)] };
    }

    /// <summary>
    /// The record brought up to <paramref name="inForce"/>, what the consent index holds for it, when that is newer: a
    /// change or a withdrawal is put in force before it is stored with the record, so a store that failed in between
    /// leaves the record behind what is in force. The missing event is the one the index shows, at its version: a
    /// withdrawal at the time it took effect (by whom is not known: recorded as the marketplace's), otherwise a change
    /// of terms by the person (only they change terms), dated <paramref name="now"/>, when it was found. The index holds
    /// the newest version only, so several missed events become one. Another record's grant or an older one changes nothing.
    /// </summary>
    public ConsentRecord CatchUp(ConsentGrant inForce, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(inForce);
        if (inForce.RecordId != RecordId || inForce.Version <= Version)
        {
            return this;
        }
        var missed = inForce.WithdrawnAt is { } withdrawnAt && WithdrawnAt is null
            ? new ConsentEvent(ConsentEventKind.Withdrawn, withdrawnAt, ConsentActor.System, "marketplace", inForce.Version)
            : new ConsentEvent(ConsentEventKind.Changed, now, ConsentActor.Subject, SubjectId, inForce.Version);
        // Already in force, so recorded even past MaxEvents: the record must say what holds.
        return this with { Terms = inForce.Terms, NoticeVersion = inForce.NoticeVersion, Events = [.. Events, missed] };
    }

    public bool Equals(ConsentRecord? other) =>
        other is not null && RecordId == other.RecordId && SubjectId == other.SubjectId && BankId == other.BankId
        && NoticeId == other.NoticeId && NoticeVersion == other.NoticeVersion && Language == other.Language
        && Terms == other.Terms && ReadOnlyLists.SequenceEqual(Events, other.Events);

    public override int GetHashCode() => HashCode.Combine(RecordId, Version);
}
