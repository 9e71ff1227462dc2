using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Domain;

/// <summary>
/// The id a buyer sees instead of a person's subject id: a keyed hash (HMAC-SHA-256, key of at least 256 bits) of
/// the contract and the subject. Stable within one contract, so a buyer can follow one person's records; different
/// across contracts, so two buyers (or two contracts of one buyer) cannot join on it; not reversible without the key.
/// </summary>
public static class SubjectPseudonym
{
    public const int MinKeyBytes = 32;

    public static string For(ReadOnlySpan<byte> key, string contractId, string subjectId)
    {
        ArgumentNullException.ThrowIfNull(contractId);
        ArgumentNullException.ThrowIfNull(subjectId);
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"A pseudonym key has at least {MinKeyBytes} bytes.", nameof(key));
        }
        var input = Encoding.UTF8.GetBytes(string.Concat(contractId, "\n", subjectId));
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, input, mac);
        // 128 bits: collisions within any contract are out of reach, and the id stays short.
        return "p-" + Convert.ToHexStringLower(mac[..16]);
    }
}
