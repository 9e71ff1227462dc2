namespace Marketplace.Client;

/// <summary>The certifications a buyer declares for the information banks' reviews (at most 10, each up to 100 characters).</summary>
public sealed record CertificationsRequest(IReadOnlyList<string> Certifications);

public sealed record PartyCertifications(string PartyId, IReadOnlyList<string> Certifications);

/// <summary>
/// How consent stands under a contract of personal data, in counts only: <see cref="CoveredNow"/> is null (with
/// <see cref="CoveredFewerThanFloor"/>) under <see cref="Floor"/>; the consents withdrawn or expired since the contract
/// became active tell the buyer to delete what it held of those people.
/// </summary>
public sealed record ContractConsent(
    string ContractId, bool Personal, bool Reviewed, long? CoveredNow, bool CoveredFewerThanFloor, int Floor,
    long WithdrawnSinceActive, long ExpiredSinceActive, DateTimeOffset? ActiveSince, DateTimeOffset At);
