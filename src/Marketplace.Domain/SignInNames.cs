namespace Marketplace.Domain;

/// <summary>
/// A person signs in with an e-mail address. It is compared without regard to case (the address a person types
/// on a phone keyboard often starts with a capital), so it is kept in one normal form: trimmed, lower case.
/// </summary>
public static class SignInNames
{
    /// <summary>RFC 5321's limit on a forward path; longer is not an address anyone can receive mail at.</summary>
    public const int MaxLength = 254;

    /// <summary>The normal form of <paramref name="signIn"/>, or a clear refusal when it is not an e-mail address.</summary>
    public static string Normalize(string? signIn)
    {
        if (!TryNormalize(signIn, out var normal))
        {
            throw new DomainException(ErrorCodes.PersonInvalidSignIn,
                $"A sign-in name is the person's e-mail address, e.g. \"hanako@example.jp\" (at most {MaxLength} characters, no spaces).");
        }
        return normal;
    }

    public static bool TryNormalize(string? signIn, out string normal)
    {
        normal = "";
        var candidate = signIn?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength)
        {
            return false;
        }
        var at = candidate.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != candidate.LastIndexOf('@') || at == candidate.Length - 1
            || !candidate.AsSpan(at + 1).Contains('.') || candidate.EndsWith('.')
            || candidate.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\' or '"' or '<' or '>' or ','))
        {
            return false;
        }
        normal = candidate;
        return true;
    }
}

/// <summary>What a password must be: long enough to resist guessing, short enough that hashing it costs nothing unusual.</summary>
public static class PasswordRules
{
    public const int MinLength = 12;

    /// <summary>An upper bound, so a megabyte "password" cannot keep the hasher busy.</summary>
    public const int MaxLength = 128;

    public static void Check(string? password)
    {
        if (password is null || password.Length < MinLength || password.Length > MaxLength)
        {
            throw new DomainException(ErrorCodes.PersonWeakPassword,
                $"A password is {MinLength} to {MaxLength} characters long; a few unrelated words make a strong one.");
        }
        if (password.Distinct().Count() < 4)
        {
            throw new DomainException(ErrorCodes.PersonWeakPassword,
                "A password made of so few different characters is guessed at once; use a few unrelated words.");
        }
    }
}

/// <summary>
/// Lockout after repeated failed sign-ins: <see cref="MaxFailures"/> wrong passwords in a row lock the account
/// for <see cref="LockFor"/>; a successful sign-in clears the count. While locked, even the right password is
/// refused (so guessing gains nothing) and a failure does not extend the lock (so nobody can keep a person out
/// for longer than one lock at a time by guessing on their name).
/// </summary>
public static class SignInLockout
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan LockFor = TimeSpan.FromMinutes(15);

    public static bool IsLocked(DateTimeOffset? lockedUntil, DateTimeOffset now) => lockedUntil is { } until && until > now;

    /// <summary>The count and lock after one more failure at <paramref name="now"/>.</summary>
    public static (int Failures, DateTimeOffset? LockedUntil) AfterFailure(int failures, DateTimeOffset? lockedUntil, DateTimeOffset now)
    {
        if (IsLocked(lockedUntil, now))
        {
            return (failures, lockedUntil);
        }
        var count = failures + 1;
        return count >= MaxFailures ? (0, now + LockFor) : (count, null);
    }
}
