using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace Marketplace.Application.Consent.Receipts;

/// <summary>
/// One P-256 key that signs (or, once retired, only verifies) consent receipts, named by its key id. Key ids sort by
/// <see cref="Sequence"/>: the highest is the current key, so every host reading the same key directory agrees on it.
/// </summary>
public sealed class ReceiptKey : IDisposable
{
    private const string Prefix = "rk-";
    private readonly ECDsa _key;
    private readonly Lock _gate = new();

    private ReceiptKey(string keyId, long sequence, ECDsa key, bool canSign)
    {
        KeyId = keyId;
        Sequence = sequence;
        _key = key;
        CanSign = canSign;
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        X = Base64Url.EncodeToString(point.X);
        Y = Base64Url.EncodeToString(point.Y);
    }

    /// <summary>"rk-000003-20261130-9f3a1c2e": the sequence, the day it was made, and randomness so two hosts never make the same id.</summary>
    public string KeyId { get; }

    public long Sequence { get; }

    /// <summary>Whether this host holds the private key (only the current key keeps one on disk).</summary>
    public bool CanSign { get; }

    /// <summary>The public point's x coordinate, base64url (as a JWK writes it).</summary>
    public string X { get; }

    public string Y { get; }

    /// <summary>A new private key with the next sequence number after <paramref name="previous"/> (0 when there is none).</summary>
    public static ReceiptKey Generate(long previous, DateTimeOffset now)
    {
        var keyId = string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}{previous + 1:D6}-{now.UtcDateTime:yyyyMMdd}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        return new ReceiptKey(keyId, previous + 1, ECDsa.Create(ECCurve.NamedCurves.nistP256), canSign: true);
    }

    /// <summary>A key read back from its PEM (a PKCS#8 private key, or a SubjectPublicKeyInfo once retired); null when it is not a P-256 key or the id is not a key id.</summary>
    public static ReceiptKey? FromPem(string keyId, string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (SequenceOf(keyId) is not { } sequence)
        {
            return null;
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: false);
            if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                key.Dispose();
                return null;
            }
            var canSign = pem.Contains("PRIVATE KEY", StringComparison.Ordinal);
            return new ReceiptKey(keyId, sequence, key, canSign);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            return null;
        }
    }

    /// <summary>The sequence number in a key id, or null when the text is not one of our key ids.</summary>
    public static long? SequenceOf(string? keyId)
    {
        if (keyId is null || !keyId.StartsWith(Prefix, StringComparison.Ordinal) || keyId.Length > 64)
        {
            return null;
        }
        var parts = keyId[Prefix.Length..].Split('-');
        return parts.Length == 3 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiLetterOrDigit))
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0
            ? sequence : null;
    }

    public string ExportPrivatePem()
    {
        lock (_gate)
        {
            return _key.ExportPkcs8PrivateKeyPem();
        }
    }

    public string ExportPublicPem()
    {
        lock (_gate)
        {
            return _key.ExportSubjectPublicKeyInfoPem();
        }
    }

    /// <summary>The JWS ES256 signature of <paramref name="data"/>: r and s, 32 bytes each (IEEE P1363, what RFC 7518 asks for).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (!CanSign)
        {
            throw new InvalidOperationException($"Receipt key {KeyId} is retired: it verifies receipts but signs none.");
        }
        lock (_gate)
        {
            return _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        lock (_gate)
        {
            return _key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    public void Dispose() => _key.Dispose();
}
