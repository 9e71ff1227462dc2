namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.PartyRole")]
public enum PartyRole
{
    Operator,
    Provider,
    Buyer,

    /// <summary>A provider the operator trusts to hold personal data for its subjects; the only role that may list personal datasets.</summary>
    InformationBank,

    /// <summary>A person whose data an information bank holds; never a party: their principal names the bank and <see cref="ApiPrincipal.SubjectId"/>.</summary>
    DataSubject,
}

[GenerateSerializer, Immutable, Alias("Marketplace.PartyProfile")]
public sealed record PartyProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] PartyRole Role,
    [property: Id(2)] string Name,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] IReadOnlyList<string> KeyPrefixes,
    [property: Id(20)] PartyStatus Status = PartyStatus.Active,
    [property: Id(21)] string? SuspensionReason = null,
    [property: Id(22)] PartyBilling? Billing = null,
    [property: Id(23)] IReadOnlyList<string>? Certifications = null,
    [property: Id(24)] string? ContactEmail = null);

/// <summary>
/// How a party is invoiced and paid: a provider's or buyer's qualified-invoice registration number (T + 13 digits),
/// whether a buyer is a service app (it pays the connection fee per active contract), and the connected account a
/// provider's payouts go to.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PartyBilling")]
public sealed record PartyBilling(
    [property: Id(0)] string? InvoiceRegistration,
    [property: Id(1)] bool ServiceApp,
    [property: Id(2)] string? PayoutAccount)
{
    public static PartyBilling None { get; } = new(null, false, null);
}

/// <summary>The authenticated caller: who they are and in which role.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ApiPrincipal")]
public sealed record ApiPrincipal([property: Id(0)] string PartyId, [property: Id(1)] PartyRole Role, [property: Id(2)] string? SubjectId = null);

/// <summary>
/// A provider, buyer or operator (key: party id). One grain for all roles: profile and keys are the same shape.
/// What a party holds (datasets, offerings, contracts) lives in the holdings index, not here.
/// </summary>
[Alias("Marketplace.IPartyGrain")]
public interface IPartyGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<PartyProfile> Register(PartyRole role, string name);

    [Alias("GetProfile")]
    Task<PartyProfile?> GetProfile();

    /// <summary>Lists a person of this party and enrols them (<see cref="IPersonGrain.Enrol"/>) with a hashed password.</summary>
    [Alias("AddPerson")]
    Task<PartyPerson> AddPerson(string signIn, string displayName, string passwordHash);

    [Alias("ListPeople"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<PartyPerson>> ListPeople();

    /// <summary>Replaces a person's password (an operator's reset); the person must be one of this party's.</summary>
    [Alias("ResetPersonPassword")]
    Task<PartyPerson> ResetPersonPassword(string signIn, string passwordHash);

    [Alias("SetPersonDisabled")]
    Task<PartyPerson> SetPersonDisabled(string signIn, bool disabled);

    /// <summary>Brings the party's list and the person grain in step after an enrolment that stopped half-way.</summary>
    [Alias("SettlePerson")]
    Task SettlePerson(string signIn);

    /// <summary>Records a new key of this party (at most <see cref="PartyKeys.MaxActive"/> active) and issues it.</summary>
    [Alias("AddKey")]
    Task<PartyKey> AddKey(string keyPrefix, byte[] secretHash);

    [Alias("ListKeys")]
    Task<IReadOnlyList<PartyKey>> ListKeys();

    /// <summary>Revokes one of this party's keys; a prefix the party does not hold answers as unknown.</summary>
    [Alias("RevokeKey")]
    Task<PartyKey> RevokeKey(string keyPrefix);

    [Alias("Suspend")]
    Task<PartyProfile> Suspend(string reason, string operatorId);

    [Alias("Reinstate")]
    Task<PartyProfile> Reinstate();

    /// <summary>Active, suspended, or null for no such party. Cheap and read-only: key checks and contracts ask it.</summary>
    [Alias("GetStatus"), Orleans.Concurrency.ReadOnly]
    Task<PartyStatus?> GetStatus();

    /// <summary>Writes the party's directory entry again from its stored state (the sweep repairing a registration).</summary>
    [Alias("Reconcile")]
    Task Reconcile();

    /// <summary>
    /// Brings one key's two halves into step after an interrupted issue or revoke: a key the party lists but the
    /// key grain never issued to it is dropped (its secret never reached anyone); a key revoked at the key grain
    /// is recorded as revoked.
    /// </summary>
    [Alias("SettleKey")]
    Task SettleKey(string keyPrefix);

    /// <summary>Replaces how the party is invoiced and paid (validated by the caller's application service).</summary>
    [Alias("SetBilling")]
    Task<PartyProfile> SetBilling(PartyBilling billing);

    /// <summary>Replaces the certifications a buyer declares (validated by the caller's application service).</summary>
    [Alias("SetCertifications")]
    Task<PartyProfile> SetCertifications(IReadOnlyList<string> certifications);

    /// <summary>Sets (null: removes) the address the open-data catalog gives as the party's contact point; already checked.</summary>
    [Alias("SetContactEmail")]
    Task<PartyProfile> SetContactEmail(string? email);

}

/// <summary>An API key (key: the key's public prefix). Holds only a hash of the secret.</summary>
[Alias("Marketplace.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("Issue")]
    Task Issue(ApiPrincipal principal, byte[] secretHash);

    /// <summary>The key's party when the secret matches, the key is not revoked and its party is not suspended.</summary>
    [Alias("VerifyKey"), Orleans.Concurrency.ReadOnly]
    Task<KeyVerification> Verify(byte[] secretHash);

    /// <summary>Revokes the key if it belongs to <paramref name="partyId"/>; false when it does not.</summary>
    [Alias("RevokeFor")]
    Task<bool> Revoke(string partyId);

    /// <summary>Whom the key was issued to and whether it is revoked; null if it never was.</summary>
    [Alias("Holder"), Orleans.Concurrency.ReadOnly]
    Task<KeyHolder?> Holder();
}

[GenerateSerializer, Alias("Marketplace.PartyStatus")]
public enum PartyStatus
{
    Active,
    Suspended,
}

/// <summary>One of a party's API keys as the party lists it: never the secret, only its public prefix.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PartyKey")]
public sealed record PartyKey(
    [property: Id(0)] string Prefix,
    [property: Id(1)] DateTimeOffset IssuedAt,
    [property: Id(2)] DateTimeOffset? RevokedAt);

/// <summary>
/// The answer of a key check. <see cref="KnownPrefix"/> is false only when no key was ever issued under the
/// prefix, which a host may remember for a while (a wrong secret for a real prefix must never be remembered).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.KeyHolder")]
public sealed record KeyHolder([property: Id(0)] string PartyId, [property: Id(1)] bool Revoked);

[GenerateSerializer, Immutable, Alias("Marketplace.KeyVerification")]
public sealed record KeyVerification([property: Id(0)] bool KnownPrefix, [property: Id(1)] ApiPrincipal? Principal);

public static class PartyKeys
{
    /// <summary>Active keys one party may hold at a time; revoke one to issue another.</summary>
    public const int MaxActive = 20;

    /// <summary>Keys (active or revoked) a party remembers; the oldest revoked ones are forgotten first.</summary>
    public const int MaxRemembered = 100;

    /// <summary>
    /// How long a suspension or revocation may take to reach every host: key verifications and contracts'
    /// view of their parties' status are cached no longer than this.
    /// </summary>
    public static readonly TimeSpan ChangesTakeEffectWithin = TimeSpan.FromSeconds(30);
}
