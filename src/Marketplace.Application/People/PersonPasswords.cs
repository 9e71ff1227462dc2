using System.Security.Cryptography;
using Marketplace.Domain;
using Microsoft.AspNetCore.Identity;

namespace Marketplace.Application.People;

/// <summary>
/// Passwords as ASP.NET Core Identity's password hasher keeps them (PBKDF2 with a per-password salt and a
/// versioned format, so a stronger setting re-hashes at the next sign-in), and the one-time passwords an
/// operator hands to a new person.
/// </summary>
public sealed class PersonPasswords
{
    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>
    /// A hash of a password nobody has, verified when the sign-in name is unknown, so an unknown name costs the
    /// same time as a wrong password and timing does not tell which names exist.
    /// </summary>
    private static readonly string Decoy = Hasher.HashPassword("", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    public string Hash(string password)
    {
        PasswordRules.Check(password);
        return Hasher.HashPassword("", password);
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>, and a stronger hash to keep when the format asks for one.</summary>
    public (bool Matched, string? Rehashed) Verify(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (password is null || password.Length > PasswordRules.MaxLength)
        {
            return (false, null);
        }
        return Hasher.VerifyHashedPassword("", hash, password) switch
        {
            PasswordVerificationResult.Success => (true, null),
            PasswordVerificationResult.SuccessRehashNeeded => (true, Hasher.HashPassword("", password)),
            _ => (false, null),
        };
    }

    public void SpendDecoyTime(string password) => Hasher.VerifyHashedPassword("", Decoy, password ?? "");

    /// <summary>
    /// A one-time password for a new person or a reset: 20 characters from an alphabet without look-alikes
    /// (no 0/O, 1/l/I), about 100 bits, read out over the phone if need be.
    /// </summary>
    public static string NewOneTimePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var chars = new char[20];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }
        // Groups of five, as people copy them.
        return string.Join('-', Enumerable.Range(0, 4).Select(g => new string(chars, g * 5, 5)));
    }
}
