using System.Globalization;

namespace Marketplace.Domain;

/// <summary>
/// What a person agrees to: for which scope, which data items, which purposes, which recipients (named buyers,
/// classes of buyers, or both) and until when. <see cref="Items"/> empty covers every item of the scope the notice
/// offers; a sensitive item is covered only when <see cref="SensitiveExplicit"/> is set (the person's explicit
/// consent to sensitive data of that category).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ConsentTerms")]
public sealed record ConsentTerms(
    ConsentScope Scope,
    IReadOnlyList<string> Items,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> RecipientParties,
    IReadOnlyList<RecipientClass> RecipientClasses,
    DateTimeOffset ExpiresAt,
    bool SensitiveExplicit)
{
    /// <summary>Longest a consent may run before it must be given again: five years (and a leap day).</summary>
    public const int MaxDays = 1_827;

    public const int MaxItems = 100;
    public const int MaxRecipientParties = 20;

    [Id(0)]
    public ConsentScope Scope { get; init; } = Scope;

    [Id(1)]
    public IReadOnlyList<string> Items { get; init => field = Distinct(value); } = Distinct(Items);

    [Id(2)]
    public IReadOnlyList<string> Purposes { get; init => field = Distinct(value); } = Distinct(Purposes);

    [Id(3)]
    public IReadOnlyList<string> RecipientParties { get; init => field = Distinct(value); } = Distinct(RecipientParties);

    [Id(4)]
    public IReadOnlyList<RecipientClass> RecipientClasses { get; init => field = ReadOnlyLists.Copy(value?.Distinct().Order().ToList()); } =
        ReadOnlyLists.Copy(RecipientClasses?.Distinct().Order().ToList());

    [Id(5)]
    public DateTimeOffset ExpiresAt { get; init; } = ExpiresAt;

    [Id(6)]
    public bool SensitiveExplicit { get; init; } = SensitiveExplicit;

    /// <summary>Throws a <see cref="DomainException"/> (code <c>consent.*</c>) unless these terms can be given at <paramref name="now"/>.</summary>
    public void Validate(DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(Scope);
        if (Purposes.Count == 0)
        {
            throw new DomainException(ErrorCodes.ConsentPurposeUnknown,
                $"A consent names at least one purpose; choose from: {string.Join(", ", ConsentPurposes.All)}.");
        }
        ConsentPurposes.RequireKnown(Purposes, "a consent");
        if (RecipientParties.Count == 0 && RecipientClasses.Count == 0)
        {
            throw new DomainException(ErrorCodes.ConsentRecipientsRequired,
                "A consent names its recipients: one or more buyers, or a class of buyer (public body, academic, commercial).");
        }
        TextBounds.Check(RecipientParties, MaxRecipientParties, TextBounds.Code, "recipients");
        TextBounds.Check(Items, MaxItems, TextBounds.Code, "items");
        if (RecipientClasses.Any(c => !Enum.IsDefined(c)))
        {
            throw new DomainException(ErrorCodes.ConsentRecipientsRequired, "A recipient class is one of public-body, academic, commercial.");
        }
        if (ExpiresAt <= now)
        {
            throw new DomainException(ErrorCodes.ConsentExpiryInvalid,
                string.Create(CultureInfo.InvariantCulture, $"A consent must expire in the future (got {ExpiresAt:yyyy-MM-dd HH:mm zzz})."));
        }
        if (ExpiresAt > now.AddDays(MaxDays))
        {
            throw new DomainException(ErrorCodes.ConsentExpiryInvalid,
                string.Create(CultureInfo.InvariantCulture, $"A consent runs at most {MaxDays} days (five years); choose an expiry before {now.AddDays(MaxDays):yyyy-MM-dd}."));
        }
    }

    /// <summary>Whether these terms cover one item: named (or all named by leaving the list empty), and sensitive only when explicit.</summary>
    public bool CoversItem(PersonalDataItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Sensitive && !SensitiveExplicit)
        {
            return false;
        }
        return Items.Count == 0 || ReadOnlyLists.ContainsOrdinal(Items, item.Field);
    }

    public bool CoversRecipient(string buyerId, RecipientClass? buyerClass) =>
        ReadOnlyLists.ContainsOrdinal(RecipientParties, buyerId) || (buyerClass is { } c && ReadOnlyLists.Contains(RecipientClasses, c));

    public bool Equals(ConsentTerms? other) =>
        other is not null && Scope == other.Scope && ExpiresAt == other.ExpiresAt && SensitiveExplicit == other.SensitiveExplicit
        && ReadOnlyLists.SequenceEqual(Items, other.Items) && ReadOnlyLists.SequenceEqual(Purposes, other.Purposes)
        && ReadOnlyLists.SequenceEqual(RecipientParties, other.RecipientParties)
        && ReadOnlyLists.SequenceEqual(RecipientClasses, other.RecipientClasses);

    public override int GetHashCode() =>
        HashCode.Combine(Scope, ExpiresAt, SensitiveExplicit, ReadOnlyLists.Hash(Items), ReadOnlyLists.Hash(Purposes),
            ReadOnlyLists.Hash(RecipientParties), ReadOnlyLists.Hash(RecipientClasses));

    private static IReadOnlyList<string> Distinct(IReadOnlyList<string>? values) =>
        values is null || values.Count == 0 ? [] : [.. values.Where(v => v is not null).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)];
}
