using Marketplace.Domain;

namespace Marketplace.Grains;

/// <summary>The key of a data subject's grain: the bank that holds their data, then the bank's id for them.</summary>
public static class SubjectKeys
{
    public static string Of(string bankId, string subjectId) => bankId + "/" + subjectId;

    public static (string BankId, string SubjectId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.IndexOf('/', StringComparison.Ordinal);
        return at <= 0 ? throw new ArgumentException($"'{key}' is not a subject key.", nameof(key)) : (key[..at], key[(at + 1)..]);
    }
}

/// <summary>The key of a notice's grain: the bank that publishes it, then the notice id.</summary>
public static class ConsentNoticeKeys
{
    public static string Of(string bankId, string noticeId) => bankId + "/" + noticeId;
}

/// <summary>A data subject as their bank registered them and as they stand now.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.DataSubjectProfile")]
public sealed record DataSubjectProfile(
    [property: Id(0)] string BankId,
    [property: Id(1)] string SubjectId,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] DateTimeOffset RegisteredAt,
    [property: Id(4)] bool AggregateOptOut,
    [property: Id(5)] DateTimeOffset? DeletionRequestedAt,
    [property: Id(6)] DateTimeOffset? DeletionCompletedAt,
    [property: Id(7)] int Version);

/// <summary>
/// The receipt of one consent event (ISO/IEC TS 27560 record at that version), signed by the marketplace as a
/// compact JWS (ES256); <see cref="KeyId"/> names the key in <c>/.well-known/jwks.json</c> that verifies it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ConsentReceipt")]
public sealed record ConsentReceipt(
    [property: Id(0)] string ReceiptId,
    [property: Id(1)] string RecordId,
    [property: Id(2)] int Version,
    [property: Id(3)] ConsentEventKind Kind,
    [property: Id(4)] DateTimeOffset IssuedAt,
    [property: Id(5)] string KeyId,
    [property: Id(6)] string Jws);

/// <summary>Signs consent receipts with the marketplace's current key (a host service the subject grain calls before it stores an event).</summary>
public interface IConsentReceiptSigner
{
    /// <summary>A signed receipt for <paramref name="record"/> at its current version, given under <paramref name="notice"/>.</summary>
    ConsentReceipt Sign(ConsentRecord record, ConsentNotice notice, DateTimeOffset issuedAt);
}

/// <summary>
/// One person at an information bank (key: <see cref="SubjectKeys.Of"/>): their consent records (ISO/IEC TS 27560),
/// the receipts of every consent event, their choice about statistics and their deletion request. Each change is
/// written to the consent index before it is acknowledged, so it is in force on the very next access.
/// </summary>
[Alias("Marketplace.IDataSubjectGrain")]
public interface IDataSubjectGrain : IGrainWithStringKey
{
    /// <summary>Registers the person; the same registration again answers the stored profile.</summary>
    [Alias("Register")]
    Task<DataSubjectProfile> Register(string displayName);

    [Alias("GetProfile"), Orleans.Concurrency.ReadOnly]
    Task<DataSubjectProfile?> GetProfile();

    [Alias("ListConsents")]
    Task<IReadOnlyList<ConsentRecord>> ListConsents();

    /// <summary>Gives a new consent under <paramref name="notice"/> (the version the person was shown); terms are checked against it.</summary>
    [Alias("Give")]
    Task<ConsentRecord> Give(string recordId, ConsentTerms terms, ConsentNotice notice, string language);

    /// <summary>Changes a consent in force: new terms under the notice version now shown (a new purpose or recipient is fresh consent).</summary>
    [Alias("Change")]
    Task<ConsentRecord> Change(string recordId, ConsentTerms terms, ConsentNotice notice);

    /// <summary>Withdraws a consent; withdrawing one already withdrawn answers it as it is.</summary>
    [Alias("Withdraw")]
    Task<ConsentRecord> Withdraw(string recordId, ConsentActor actor, string actorId);

    [Alias("ListReceipts"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<ConsentReceipt>> ListReceipts();

    /// <summary>Whether the person is left out of every aggregate (statistics) from the next query on.</summary>
    [Alias("SetAggregateOptOut")]
    Task<DataSubjectProfile> SetAggregateOptOut(bool optOut);

    /// <summary>Records the person's deletion request and withdraws every consent at once; the redaction of stored records follows.</summary>
    [Alias("RequestDeletion")]
    Task<DataSubjectProfile> RequestDeletion(string actorId);

    /// <summary>Records that every stored revision no longer holds the person's records.</summary>
    [Alias("CompleteDeletion")]
    Task<DataSubjectProfile> CompleteDeletion();

    /// <summary>Writes the person's consents and standing to the consent index again (repair after a write that stopped half-way).</summary>
    [Alias("Reconcile")]
    Task Reconcile();
}

/// <summary>
/// A notice of an information bank (key: bank id + "/" + notice id), with every version it published. A consent
/// points to the version it was given under; versions are never changed, only added.
/// </summary>
[Alias("Marketplace.IConsentNoticeGrain")]
public interface IConsentNoticeGrain : IGrainWithStringKey
{
    /// <summary>Publishes the next version (the bank's own notice only); answers it with its version and time.</summary>
    [Alias("Publish")]
    Task<ConsentNotice> Publish(ConsentNotice draft);

    /// <summary>The latest version, or the one asked for; null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<ConsentNotice?> Get(int? version);

    [Alias("ListVersions"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<ConsentNotice>> ListVersions();
}

/// <summary>
/// The information bank's data-ethics review of one buyer (情報銀行の倫理審査): the class it places the buyer in, the
/// purposes it approved, the buyer's certifications it checked, and the reviewer's note. No review, no data.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.RecipientReview")]
public sealed record RecipientReview(
    [property: Id(0)] string BankId,
    [property: Id(1)] string BuyerId,
    [property: Id(2)] RecipientClass Class,
    [property: Id(3)] IReadOnlyList<string> ApprovedPurposes,
    [property: Id(4)] IReadOnlyList<string> Certifications,
    [property: Id(5)] string Note,
    [property: Id(6)] string ReviewerId,
    [property: Id(7)] DateTimeOffset ReviewedAt,
    [property: Id(8)] bool Approved)
{
    public bool Permits(string purpose) => Approved && ApprovedPurposes.Contains(purpose, StringComparer.Ordinal);
}

/// <summary>An information bank (key: its party id): its notices and its reviews of recipients.</summary>
[Alias("Marketplace.IInformationBankGrain")]
public interface IInformationBankGrain : IGrainWithStringKey
{
    [Alias("AddNotice")]
    Task AddNotice(string noticeId);

    [Alias("ListNotices"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> ListNotices();

    [Alias("Review")]
    Task<RecipientReview> Review(RecipientReview review);

    /// <summary>The bank's review of a buyer, or null when it has not reviewed it.</summary>
    [Alias("GetReview"), Orleans.Concurrency.ReadOnly]
    Task<RecipientReview?> GetReview(string buyerId);

    [Alias("ListReviews"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<RecipientReview>> ListReviews();
}
