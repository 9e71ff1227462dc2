namespace Marketplace.Domain;

/// <summary>
/// A consent record in the compact form access checks read: whose, at which bank, its terms, and whether it was
/// withdrawn. <see cref="Version"/> grows with every event of the record, so a store keeps the newest and an
/// older write arriving late cannot bring a withdrawn consent back.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ConsentGrant")]
public sealed record ConsentGrant(
    [property: Id(0)] string RecordId,
    [property: Id(1)] string SubjectId,
    [property: Id(2)] string BankId,
    [property: Id(3)] int Version,
    [property: Id(4)] ConsentTerms Terms,
    [property: Id(5)] DateTimeOffset GivenAt,
    [property: Id(6)] DateTimeOffset? WithdrawnAt,
    [property: Id(7)] string NoticeId,
    [property: Id(8)] int NoticeVersion)
{
    /// <summary>In force at <paramref name="now"/>: given, not withdrawn, not yet expired.</summary>
    public bool IsActiveAt(DateTimeOffset now) => WithdrawnAt is null && Terms.ExpiresAt > now && GivenAt <= now;
}
