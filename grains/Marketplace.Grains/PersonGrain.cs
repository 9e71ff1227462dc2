using System.Security.Cryptography;
using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.PersonState")]
public sealed class PersonState
{
    [Id(0)] public string PartyId { get; set; } = "";
    [Id(1)] public PartyRole Role { get; set; }
    [Id(2)] public string DisplayName { get; set; } = "";
    [Id(3)] public string PasswordHash { get; set; } = "";
    [Id(4)] public int FailedAttempts { get; set; }
    [Id(5)] public DateTimeOffset? LockedUntil { get; set; }
    [Id(6)] public bool Disabled { get; set; }
    [Id(7)] public string SecurityStamp { get; set; } = "";
    [Id(8)] public DateTimeOffset EnrolledAt { get; set; }
    [Id(9)] public DateTimeOffset? LastSignedInAt { get; set; }
    [Id(10)] public string? SubjectId { get; set; }
    [Id(11)] public string? SignIn { get; set; }
}

/// <summary>
/// One person's credential, failed attempts and lock. The password is verified by the caller (hashing is slow
/// on purpose and must not hold the grain); the grain only compares the hash it was given back, so a verdict
/// reached against an older hash (the password changed meanwhile) counts as a failure.
/// </summary>
[GrainType("person")]
public sealed class PersonGrain(
    [PersistentState("person", GrainStorage.Name)] IPersistentState<PersonState> state,
    BillingCalendar calendar) : Grain, IPersonGrain
{
    private PersonState S => state.State;

    /// <summary>The sign-in name, kept in the state: the grain's key is only its digest (<see cref="PersonKey"/>).</summary>
    private string SignIn => S.SignIn ?? "this sign-in name";

    public async Task Enrol(PersonEnrolment enrolment)
    {
        ArgumentNullException.ThrowIfNull(enrolment);
        var signIn = enrolment.SignIn ?? throw new ArgumentException("An enrolment names the sign-in.", nameof(enrolment));
        if (state.RecordExists)
        {
            if (S.PartyId == enrolment.PartyId && S.PasswordHash == enrolment.PasswordHash)
            {
                return;
            }
            if (S.PartyId == enrolment.PartyId)
            {
                // A repeated enrolment whose first answer was lost: its one-time password cannot be shown again.
                throw new DomainException(ErrorCodes.PersonExists,
                    $"'{signIn}' is already enrolled for party '{S.PartyId}'; POST /api/v1/parties/{S.PartyId}/people/{signIn}/reset-password issues a new one-time password.");
            }
            throw new DomainException(ErrorCodes.PersonExists,
                $"'{signIn}' already signs in to the marketplace; each person has one sign-in name (their e-mail address).");
        }
        S.SignIn = signIn;
        S.PartyId = enrolment.PartyId;
        S.Role = enrolment.Role;
        S.SubjectId = enrolment.SubjectId;
        S.DisplayName = enrolment.DisplayName;
        S.PasswordHash = enrolment.PasswordHash;
        S.SecurityStamp = NewStamp();
        S.EnrolledAt = calendar.Now;
        await state.WriteStateAsync();
    }

    public Task<string?> HolderParty() => Task.FromResult(state.RecordExists ? S.PartyId : null);

    public Task<PersonCredential?> GetCredential() => Task.FromResult(state.RecordExists
        ? new PersonCredential(S.PartyId, S.Role, S.DisplayName, S.PasswordHash, S.LockedUntil, S.Disabled, S.SecurityStamp)
        : null);

    public async Task<SignInVerdict> RecordAttempt(bool passwordMatched, string verifiedHash, string? rehashed)
    {
        if (!state.RecordExists)
        {
            return new SignInVerdict(SignInOutcome.WrongPassword, null, null);
        }
        var now = calendar.Now;
        if (S.Disabled)
        {
            return new SignInVerdict(SignInOutcome.Disabled, null, null);
        }
        if (SignInLockout.IsLocked(S.LockedUntil, now))
        {
            return new SignInVerdict(SignInOutcome.LockedOut, null, S.LockedUntil);
        }
        if (!passwordMatched || verifiedHash != S.PasswordHash)
        {
            (S.FailedAttempts, S.LockedUntil) = SignInLockout.AfterFailure(S.FailedAttempts, S.LockedUntil, now);
            await state.WriteStateAsync();
            return SignInLockout.IsLocked(S.LockedUntil, now)
                ? new SignInVerdict(SignInOutcome.LockedOut, null, S.LockedUntil)
                : new SignInVerdict(SignInOutcome.WrongPassword, null, null);
        }
        if (await StandingOfParty() != PartyStatus.Active)
        {
            return new SignInVerdict(SignInOutcome.PartySuspended, null, null);
        }
        S.FailedAttempts = 0;
        S.LockedUntil = null;
        S.LastSignedInAt = now;
        if (!string.IsNullOrEmpty(rehashed))
        {
            // A stronger hash of the same password: sessions stay, the stamp does not change.
            S.PasswordHash = rehashed;
        }
        await state.WriteStateAsync();
        return new SignInVerdict(SignInOutcome.SignedIn, Session(), null);
    }

    public async Task<PersonSession?> CheckSession(string securityStamp)
    {
        if (!state.RecordExists || S.Disabled
            || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(S.SecurityStamp), System.Text.Encoding.UTF8.GetBytes(securityStamp ?? "")))
        {
            return null;
        }
        // The party decides whether its people may act, as it does for its keys.
        return await StandingOfParty() == PartyStatus.Active ? Session() : null;
    }

    public async Task SetPassword(string partyId, string passwordHash)
    {
        EnsureHeldBy(partyId);
        S.PasswordHash = passwordHash;
        S.FailedAttempts = 0;
        S.LockedUntil = null;
        S.SecurityStamp = NewStamp();
        await state.WriteStateAsync();
    }

    public async Task SetDisabled(string partyId, bool disabled)
    {
        EnsureHeldBy(partyId);
        if (S.Disabled != disabled)
        {
            S.Disabled = disabled;
            S.SecurityStamp = NewStamp();
            await state.WriteStateAsync();
        }
    }

    private void EnsureHeldBy(string partyId)
    {
        if (!state.RecordExists || S.PartyId != partyId)
        {
            throw new DomainException(ErrorCodes.PersonNotFound, $"Party '{partyId}' has no person '{SignIn}'.");
        }
    }

    /// <summary>
    /// A data subject acts for themself, never for the bank: a suspended bank must not stop its people from seeing or
    /// withdrawing their consents, so their standing does not depend on the bank's.
    /// </summary>
    private Task<PartyStatus?> StandingOfParty() => S.Role == PartyRole.DataSubject
        ? Task.FromResult<PartyStatus?>(PartyStatus.Active)
        : GrainFactory.GetGrain<IPartyGrain>(S.PartyId).GetStatus();

    private PersonSession Session() => new(SignIn, S.DisplayName, new ApiPrincipal(S.PartyId, S.Role, S.SubjectId), S.SecurityStamp);

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
