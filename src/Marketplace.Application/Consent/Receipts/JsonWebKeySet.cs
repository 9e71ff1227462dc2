using System.Text.Json;

namespace Marketplace.Application.Consent.Receipts;

/// <summary>
/// The published receipt keys as a JWK Set (RFC 7517): each an EC P-256 public key (RFC 7518 §6.2.1) with its key id,
/// for signatures, ES256. Written by hand: no private member (d) can appear, whatever the key object holds.
/// </summary>
public static class JsonWebKeySet
{
    public const string ContentType = "application/jwk-set+json";

    public static byte[] Write(IEnumerable<ReceiptKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in keys)
            {
                writer.WriteStartObject();
                writer.WriteString("kty", "EC");
                writer.WriteString("crv", "P-256");
                writer.WriteString("x", key.X);
                writer.WriteString("y", key.Y);
                writer.WriteString("kid", key.KeyId);
                writer.WriteString("use", "sig");
                writer.WriteString("alg", CompactJws.Algorithm);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
