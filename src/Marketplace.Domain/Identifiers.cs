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
