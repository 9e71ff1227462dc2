using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.People;

/// <summary>
/// Signing a person in, checking their session on each page, and changing their own password: for the sign-in
/// page and any other front end alike. The hashing happens here, outside the person grain, because it is slow
/// on purpose; the grain counts the outcome and decides the lock.
/// </summary>
public sealed class PersonSignIn(GrainReferences grains, PersonPasswords passwords)
{
    public async Task<SignInVerdict> SignInAsync(string? signIn, string? password)
    {
        if (!SignInNames.TryNormalize(signIn, out var name) || string.IsNullOrEmpty(password))
        {
            passwords.SpendDecoyTime(password ?? "");
            return new SignInVerdict(SignInOutcome.WrongPassword, null, null);
        }
        var person = grains.Get<IPersonGrain>(PersonKey.For(name));
        var credential = await person.GetCredential();
        if (credential is null)
        {
            passwords.SpendDecoyTime(password);
            return new SignInVerdict(SignInOutcome.WrongPassword, null, null);
        }
        var (matched, rehashed) = passwords.Verify(credential.PasswordHash, password);
        return await person.RecordAttempt(matched, credential.PasswordHash, rehashed);
    }

    /// <summary>The session a cookie names, or null once it has ended (see <see cref="IPersonGrain.CheckSession"/>).</summary>
    public Task<PersonSession?> CheckSessionAsync(string signIn, string securityStamp) =>
        SignInNames.TryNormalize(signIn, out var name)
            ? grains.Get<IPersonGrain>(PersonKey.For(name)).CheckSession(securityStamp)
            : Task.FromResult<PersonSession?>(null);

    /// <summary>A signed-in person replaces their own password, proving the current one; every other session ends.</summary>
    public async Task ChangePasswordAsync(PersonSession session, string? currentPassword, string? newPassword)
    {
        ArgumentNullException.ThrowIfNull(session);
        var person = grains.Get<IPersonGrain>(PersonKey.For(session.SignIn));
        var credential = await person.GetCredential()
            ?? throw new DomainException(ErrorCodes.PersonNotFound, "Your sign-in no longer exists; ask the operator.");
        if (!passwords.Verify(credential.PasswordHash, currentPassword ?? "").Matched)
        {
            throw new DomainException(ErrorCodes.PersonWrongPassword, "The current password is not right; your password is unchanged.");
        }
        if (newPassword == currentPassword)
        {
            throw new DomainException(ErrorCodes.PersonWeakPassword, "Choose a new password that differs from the current one.");
        }
        await person.SetPassword(credential.PartyId, passwords.Hash(newPassword!));
    }
}
