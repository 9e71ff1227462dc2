namespace Marketplace.Grains;

/// <summary>A person of a party, as the party lists them (no credential).</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PartyPerson")]
public sealed record PartyPerson(
    [property: Id(0)] string SignIn,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] DateTimeOffset AddedAt,
    [property: Id(3)] bool Disabled = false);

/// <summary>What the person grain is asked to hold when a party enrols a person.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PersonEnrolment")]
public sealed record PersonEnrolment(
    [property: Id(0)] string PartyId,
    [property: Id(1)] PartyRole Role,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string PasswordHash,
    [property: Id(4)] string? SubjectId = null,
    [property: Id(5)] string? SignIn = null);

/// <summary>
/// The key of a person's grain: a digest of their sign-in name, never the name itself. Grain ids travel in logs,
/// traces and storage keys; an e-mail address must not (issue 11).
/// </summary>
public static class PersonKey
{
    public static string For(string signIn)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("marketplace.person:" + signIn));
        return "p" + Convert.ToHexStringLower(digest.AsSpan(0, 16));
    }
}

/// <summary>
/// What signing in needs: the stored hash (verified outside the grain, since hashing is slow on purpose), the
/// lock and the security stamp a session carries (it changes when the password changes or the person is
/// disabled, which ends every session at once).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PersonCredential")]
public sealed record PersonCredential(
    [property: Id(0)] string PartyId,
    [property: Id(1)] PartyRole Role,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string PasswordHash,
    [property: Id(4)] DateTimeOffset? LockedUntil,
    [property: Id(5)] bool Disabled,
    [property: Id(6)] string SecurityStamp);

/// <summary>A signed-in person's session as the host checks it on every page: who, for which party, in which role.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PersonSession")]
public sealed record PersonSession(
    [property: Id(0)] string SignIn,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] ApiPrincipal Principal,
    [property: Id(3)] string SecurityStamp);

/// <summary>The outcome of one sign-in attempt, as the person grain records it.</summary>
[GenerateSerializer, Alias("Marketplace.SignInOutcome")]
public enum SignInOutcome
{
    SignedIn,
    WrongPassword,
    LockedOut,
    Disabled,
    PartySuspended,
}

[GenerateSerializer, Immutable, Alias("Marketplace.SignInVerdict")]
public sealed record SignInVerdict(
    [property: Id(0)] SignInOutcome Outcome,
    [property: Id(1)] PersonSession? Session,
    [property: Id(2)] DateTimeOffset? LockedUntil);

/// <summary>
/// A person who signs in to the web front end (key: the sign-in name, an e-mail address in its normal form,
/// <see cref="Marketplace.Domain.SignInNames"/>). The party lists its people; this grain holds the credential,
/// the failed-attempt count and the lock, so that one name is one person across all parties.
/// </summary>
[Alias("Marketplace.IPersonGrain")]
public interface IPersonGrain : IGrainWithStringKey
{
    /// <summary>Holds the person for the party; the same enrolment again is done already; another party's name is refused.</summary>
    [Alias("Enrol")]
    Task Enrol(PersonEnrolment enrolment);

    /// <summary>Which party holds the name (null: none), for the sweep that settles an enrolment that stopped half-way.</summary>
    [Alias("HolderParty"), Orleans.Concurrency.ReadOnly]
    Task<string?> HolderParty();

    [Alias("GetCredential"), Orleans.Concurrency.ReadOnly]
    Task<PersonCredential?> GetCredential();

    /// <summary>
    /// Records an attempt whose password the caller has verified (or not) against the hash of
    /// <see cref="GetCredential"/>: counts failures, locks, and answers whether the person is now signed in.
    /// <paramref name="rehashed"/> replaces the stored hash when the hasher asked for a stronger one.
    /// </summary>
    [Alias("RecordAttempt")]
    Task<SignInVerdict> RecordAttempt(bool passwordMatched, string verifiedHash, string? rehashed);

    /// <summary>The session for <paramref name="securityStamp"/>, or null when it has ended (password changed, disabled, party suspended).</summary>
    [Alias("CheckSession")]
    Task<PersonSession?> CheckSession(string securityStamp);

    /// <summary>Replaces the password (a person's own change or an operator's reset), unlocks, and ends every session.</summary>
    [Alias("SetPassword")]
    Task SetPassword(string partyId, string passwordHash);

    /// <summary>Disables (or enables again) the person's sign-in; disabling ends every session.</summary>
    [Alias("SetDisabled")]
    Task SetDisabled(string partyId, bool disabled);
}
