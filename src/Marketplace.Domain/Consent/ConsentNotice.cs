using System.Globalization;

namespace Marketplace.Domain;

/// <summary>
/// A recipient as a notice names it: a named buyer (its party id) or a class of buyer, where it is (ISO 3166 country
/// code) and, outside Japan, that country's privacy regime (APPI Art. 28 asks for both before consent).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.NoticeRecipient")]
public sealed record NoticeRecipient(
    [property: Id(0)] string? PartyId,
    [property: Id(1)] RecipientClass Class,
    [property: Id(2)] string Name,
    [property: Id(3)] string Country,
    [property: Id(4)] string? PrivacyRegime)
{
    public bool OutsideJapan => !string.Equals(Country, "JP", StringComparison.Ordinal);
}

/// <summary>
/// What a person is shown before consenting, in the shape of ISO/IEC 29184: who receives which items, for which
/// purposes, how long they are kept, where, what the person gains (便益), how to withdraw and whom to contact.
/// Notices are versioned: a consent points to the version it was given under, and a purpose or recipient that a
/// later version adds needs fresh consent (<see cref="Permits"/> is checked against the version the person saw).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ConsentNotice")]
public sealed record ConsentNotice(
    string NoticeId,
    int Version,
    string BankId,
    ConsentScope Scope,
    string Language,
    string Title,
    IReadOnlyList<string> Items,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<NoticeRecipient> Recipients,
    int RetentionDays,
    string StorageLocation,
    string Benefit,
    string WithdrawalMethod,
    string Contact,
    DateTimeOffset PublishedAt)
{
    public const int MaxRecipients = 50;
    public const int MaxRetentionDays = 3_660;

    [Id(0)] public string NoticeId { get; init; } = NoticeId;
    [Id(1)] public int Version { get; init; } = Version;
    [Id(2)] public string BankId { get; init; } = BankId;
    [Id(3)] public ConsentScope Scope { get; init; } = Scope;
    [Id(4)] public string Language { get; init; } = Language;
    [Id(5)] public string Title { get; init; } = Title;
    [Id(6)] public IReadOnlyList<string> Items { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Items);
    [Id(7)] public IReadOnlyList<string> Purposes { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Purposes);
    [Id(8)] public IReadOnlyList<NoticeRecipient> Recipients { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Recipients);
    [Id(9)] public int RetentionDays { get; init; } = RetentionDays;
    [Id(10)] public string StorageLocation { get; init; } = StorageLocation;
    [Id(11)] public string Benefit { get; init; } = Benefit;
    [Id(12)] public string WithdrawalMethod { get; init; } = WithdrawalMethod;
    [Id(13)] public string Contact { get; init; } = Contact;
    [Id(14)] public DateTimeOffset PublishedAt { get; init; } = PublishedAt;

    /// <summary>Throws a <see cref="DomainException"/> unless a person could give an informed consent under this notice.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Scope);
        Require(Title, TextBounds.Title, "title");
        Require(StorageLocation, TextBounds.Name, "storageLocation");
        Require(Benefit, TextBounds.Reason, "benefit");
        Require(WithdrawalMethod, TextBounds.Reason, "withdrawalMethod");
        Require(Contact, TextBounds.Name, "contact");
        if (Language is not ("ja" or "en"))
        {
            throw new DomainException(ErrorCodes.NoticeInvalid, "A notice's language is 'ja' or 'en'.");
        }
        if (Purposes.Count == 0)
        {
            throw new DomainException(ErrorCodes.NoticeInvalid, $"A notice names at least one purpose; choose from: {string.Join(", ", ConsentPurposes.All)}.");
        }
        ConsentPurposes.RequireKnown(Purposes, "a notice");
        TextBounds.Check(Items, ConsentTerms.MaxItems, TextBounds.Code, "items");
        if (Recipients.Count is 0 or > MaxRecipients)
        {
            throw new DomainException(ErrorCodes.NoticeInvalid,
                string.Create(CultureInfo.InvariantCulture, $"A notice names 1 to {MaxRecipients} recipients (a buyer or a class of buyer), not {Recipients.Count}."));
        }
        foreach (var recipient in Recipients)
        {
            ValidateRecipient(recipient);
        }
        if (RetentionDays is < 1 or > MaxRetentionDays)
        {
            throw new DomainException(ErrorCodes.NoticeInvalid,
                string.Create(CultureInfo.InvariantCulture, $"Retention is 1 to {MaxRetentionDays} days (got {RetentionDays})."));
        }
    }

    /// <summary>Whether a person shown this notice can give these terms: the same scope, and nothing it does not name.</summary>
    public bool Permits(ConsentTerms terms, out string why)
    {
        ArgumentNullException.ThrowIfNull(terms);
        why = "";
        if (terms.Scope != Scope)
        {
            why = $"The notice covers {Scope}, not {terms.Scope}.";
        }
        else if (terms.Purposes.FirstOrDefault(p => !Purposes.Contains(p, StringComparer.Ordinal)) is { } purpose)
        {
            why = $"Purpose '{purpose}' is not in version {Version} of the notice; only what the notice names can be consented to.";
        }
        else if (terms.RecipientParties.FirstOrDefault(p => !Recipients.Any(r => r.PartyId == p)) is { } party)
        {
            why = $"Recipient '{TextBounds.Shorten(party)}' is not named in version {Version} of the notice.";
        }
        else if (terms.RecipientClasses.Cast<RecipientClass?>().FirstOrDefault(c => !Recipients.Any(r => r.PartyId is null && r.Class == c)) is { } recipientClass)
        {
            why = $"Version {Version} of the notice does not name the recipient class '{WireNames.Of(recipientClass)}'.";
        }
        else if (Items.Count > 0 && terms.Items.FirstOrDefault(i => !Items.Contains(i, StringComparer.Ordinal)) is { } item)
        {
            why = $"Data item '{TextBounds.Shorten(item)}' is not in version {Version} of the notice.";
        }
        return why.Length == 0;
    }

    /// <summary>The purposes and recipients this version names that <paramref name="earlier"/> did not: each needs fresh consent.</summary>
    public IReadOnlyList<string> AddedSince(ConsentNotice earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var added = Purposes.Where(p => !earlier.Purposes.Contains(p, StringComparer.Ordinal)).Select(p => "purpose " + p).ToList();
        added.AddRange(Recipients.Where(r => !earlier.Recipients.Any(e => e.PartyId == r.PartyId && e.Class == r.Class && e.Country == r.Country))
            .Select(r => "recipient " + r.Name));
        return added;
    }

    public bool Equals(ConsentNotice? other) =>
        other is not null && NoticeId == other.NoticeId && Version == other.Version && BankId == other.BankId && Scope == other.Scope
        && Language == other.Language && Title == other.Title && ReadOnlyLists.SequenceEqual(Items, other.Items)
        && ReadOnlyLists.SequenceEqual(Purposes, other.Purposes) && ReadOnlyLists.SequenceEqual(Recipients, other.Recipients)
        && RetentionDays == other.RetentionDays && StorageLocation == other.StorageLocation && Benefit == other.Benefit
        && WithdrawalMethod == other.WithdrawalMethod && Contact == other.Contact && PublishedAt == other.PublishedAt;

    public override int GetHashCode() => HashCode.Combine(NoticeId, Version, BankId);

    private static void Require(string? text, int max, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DomainException(ErrorCodes.NoticeInvalid, $"A notice states its {field}; ISO/IEC 29184 asks for it before consent.");
        }
        TextBounds.Check(text, max, field);
    }

    private static void ValidateRecipient(NoticeRecipient? recipient)
    {
        if (recipient is null || string.IsNullOrWhiteSpace(recipient.Name) || !Enum.IsDefined(recipient.Class))
        {
            throw new DomainException(ErrorCodes.NoticeInvalid, "Each recipient has a name and a class (public-body, academic or commercial).");
        }
        TextBounds.Check(recipient.Name, TextBounds.Name, "recipient name");
        TextBounds.Check(recipient.PartyId, TextBounds.Code, "recipient party");
        if (recipient.Country is not { Length: 2 } country || !country.All(char.IsAsciiLetterUpper))
        {
            throw new DomainException(ErrorCodes.NoticeInvalid,
                $"Recipient '{TextBounds.Shorten(recipient.Name)}' needs its country as an ISO 3166 code such as JP or DE.");
        }
        if (recipient.OutsideJapan && string.IsNullOrWhiteSpace(recipient.PrivacyRegime))
        {
            throw new DomainException(ErrorCodes.NoticeInvalid,
                $"Recipient '{TextBounds.Shorten(recipient.Name)}' is outside Japan ({recipient.Country}): the notice must say which privacy regime protects the data there (APPI Art. 28).");
        }
        TextBounds.Check(recipient.PrivacyRegime, TextBounds.Reason, "privacy regime");
    }
}
