namespace Marketplace.Domain;

/// <summary>Ids that appear in URLs: lower-case slugs, and generated ids such as "ctr-3kq7zd2m9xwa".</summary>
public static class Identifiers
{
    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";
    private const int RandomChars = 12;

    public static bool IsValidSlug(string? id) => id is not null && Patterns.Slug().IsMatch(id);

    /// <summary>
    /// <paramref name="prefix"/>, a hyphen and 12 base32 characters (60 random bits) taken from the random part of a
    /// version 7 GUID. The result is always a valid slug.
    /// </summary>
    public static string NewId(string prefix) => NewId(prefix, Guid.CreateVersion7());

    /// <summary>
    /// The same form as <see cref="NewId(string)"/>, but the 60 bits come from a SHA-256 of <paramref name="seed"/>:
    /// the same seed always names the same thing, so a repeated request finds what its first attempt made.
    /// </summary>
    public static string DerivedId(string prefix, string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed), hash);
        // Only bytes 8-15 count (see below): the hash is uniform, so any 60 of its bits are as good as random.
        return NewId(prefix, new Guid(hash[..16], bigEndian: true));
    }

    internal static string NewId(string prefix, Guid source)
    {
        // The whole id, random part included, must stay a slug.
        if (!IsValidSlug(prefix + "-" + new string('a', RandomChars)))
        {
            throw new ArgumentException($"'{prefix}' cannot prefix an id; use a short lower-case word such as 'ctr'.", nameof(prefix));
        }
        // Bytes 8-15 (big-endian) are the variant bits and rand_b; the low 60 bits are random.
        Span<byte> bytes = stackalloc byte[16];
        source.TryWriteBytes(bytes, bigEndian: true, out _);
        var random = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        Span<char> chars = stackalloc char[RandomChars];
        for (var i = RandomChars - 1; i >= 0; i--)
        {
            chars[i] = Base32[(int)(random & 31)];
            random >>= 5;
        }
        return $"{prefix}-{chars}";
    }
}
