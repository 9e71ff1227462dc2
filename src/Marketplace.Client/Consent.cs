namespace Marketplace.Client;

/// <summary>The certifications a buyer declares for the information banks' reviews (at most 10, each up to 100 characters).</summary>
public sealed record CertificationsRequest(IReadOnlyList<string> Certifications);

public sealed record PartyCertifications(string PartyId, IReadOnlyList<string> Certifications);

/// <param name="Email">The address the open-data catalog publishes as the party's contact point; null removes it.</param>
public sealed record PartyContactRequest(string? Email);

public sealed record PartyContact(string PartyId, string? Email);

/// <summary>
/// How consent stands under a contract of personal data, in counts only: <see cref="CoveredNow"/> is null (with
/// <see cref="CoveredFewerThanFloor"/>) under <see cref="Floor"/>; the consents withdrawn or expired since the contract
/// became active tell the buyer to delete what it held of those people.
/// </summary>
public sealed record ContractConsent(
    string ContractId, bool Personal, bool Reviewed, long? CoveredNow, bool CoveredFewerThanFloor, int Floor,
    long WithdrawnSinceActive, long ExpiredSinceActive, DateTimeOffset? ActiveSince, DateTimeOffset At);
/// <summary>An information bank registers one of its people: the subject id their records carry, and optionally a portal sign-in.</summary>
public sealed record RegisterSubjectRequest(string SubjectId, string? DisplayName = null, string? SignIn = null);

public sealed record SubjectProfile(string BankId, string SubjectId, string DisplayName, DateTimeOffset RegisteredAt, bool StatisticsOptOut);

/// <summary>The person registered; their one-time password (with a sign-in) and API key are answered this once.</summary>
public sealed record RegisteredSubject(SubjectProfile Subject, string? SignIn, string? OneTimePassword, string ApiKey);

/// <summary>A recipient a notice names: a buyer (by party id) or a class of buyer, its country and, outside Japan, its privacy regime.</summary>
public sealed record NoticeRecipientRequest(string? PartyId, string Class, string Name, string Country, string? PrivacyRegime = null);

/// <summary>A notice in the shape of ISO/IEC 29184, as an information bank publishes it.</summary>
public sealed record NoticeRequest(
    string Scope, string Language, string Title, IReadOnlyList<string> Items, IReadOnlyList<string> Purposes, IReadOnlyList<NoticeRecipientRequest> Recipients,
    int RetentionDays, string StorageLocation, string Benefit, string WithdrawalMethod, string Contact);

public sealed record Notice(string Id, int Version, string BankId, string Scope);

/// <summary>What a person consents to under a notice they read.</summary>
public sealed record ConsentRequest(
    string NoticeId, int? NoticeVersion, IReadOnlyList<string> Items, IReadOnlyList<string> Purposes, IReadOnlyList<string> Recipients,
    IReadOnlyList<string> RecipientClasses, DateTimeOffset ExpiresAt, bool SensitiveExplicit);

public sealed record Consent(string Id, string SubjectId, string BankId, string Status, string NoticeId, int NoticeVersion);

public sealed partial class MarketplaceClient
{
    /// <summary>Registers a person at the caller's information bank (information bank).</summary>
    public Task<RegisteredSubject> RegisterSubjectAsync(RegisterSubjectRequest subject, CancellationToken cancellationToken = default) =>
        SendAsync<RegisteredSubject>(HttpMethod.Post, "api/v1/bank/subjects", Json(subject), cancellationToken);

    /// <summary>Publishes the next version of a notice; the same text again changes nothing (information bank).</summary>
    public Task<Notice> PublishNoticeAsync(string noticeId, NoticeRequest notice, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"api/v1/bank/notices/{Escape(noticeId)}", Json(notice), cancellationToken, idempotencyKey: null, ReadAsync<Notice>);

    /// <summary>Gives a consent as the person themself; the idempotency key makes a retry give it once (data subject).</summary>
    public Task<Consent> GiveConsentAsync(ConsentRequest consent, string idempotencyKey, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/v1/subjects/me/consents", Json(consent), cancellationToken, idempotencyKey, ReadAsync<Consent>);
}
