using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Marketplace.Domain;

namespace Marketplace.Application.Consent.Receipts;

/// <summary>A compact JWS as read from the wire, before its signature is checked (RFC 7515 §7.1).</summary>
public sealed record JwsParts(string Algorithm, string? KeyId, string? Type, byte[] SigningInput, byte[] Payload, byte[] Signature);

/// <summary>
/// Compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4), written by hand: BASE64URL(header).BASE64URL(payload).
/// BASE64URL(signature), the signature over the first two parts as ASCII. Reading refuses anything that is not three
/// base64url parts with a JSON object header naming its algorithm, so a verifier never guesses.
/// </summary>
public static class CompactJws
{
    public const string Algorithm = "ES256";

    /// <summary>The explicit type of a consent receipt (RFC 8725 §3.11), so it cannot be mistaken for another kind of token.</summary>
    public const string ReceiptType = "consent-receipt+jwt";

    /// <summary>Longest compact JWS read (a receipt of a record at its most events is well under it).</summary>
    public const int MaxLength = 256 * 1024;

    private const int MaxHeaderLength = 1024;

    public static string Sign(ReceiptKey key, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["alg"] = Algorithm,
            ["kid"] = key.KeyId,
            ["typ"] = ReceiptType,
        });
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        var signature = key.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Splits and decodes a compact JWS; throws <see cref="ErrorCodes.ReceiptMalformed"/> for anything that is not one.</summary>
    public static JwsParts Read(string? compact)
    {
        var text = compact?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw Malformed("The receipt is empty; send the compact JWS (three base64url parts separated by dots).");
        }
        if (text.Length > MaxLength)
        {
            throw Malformed($"A receipt is at most {MaxLength / 1024} KB as a compact JWS.");
        }
        var parts = text.Split('.');
        if (parts.Length != 3)
        {
            throw Malformed($"A compact JWS has three parts separated by dots (header.payload.signature); this has {parts.Length}.");
        }
        if (parts[0].Length > MaxHeaderLength)
        {
            throw Malformed($"The JWS header is at most {MaxHeaderLength} characters.");
        }
        var header = Decode(parts[0], "header");
        var payload = Decode(parts[1], "payload");
        var signature = Decode(parts[2], "signature");
        string? algorithm = null, keyId = null, type = null;
        try
        {
            using var document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("The JWS header is not a JSON object.");
            }
            algorithm = Text(document.RootElement, "alg");
            keyId = Text(document.RootElement, "kid");
            type = Text(document.RootElement, "typ");
        }
        catch (JsonException)
        {
            throw Malformed("The JWS header is not JSON.");
        }
        if (algorithm is null)
        {
            throw Malformed("The JWS header names no algorithm (alg).");
        }
        return new JwsParts(algorithm, keyId, type, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), payload, signature);
    }

    private static string? Text(JsonElement header, string name) =>
        header.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()
            : throw Malformed($"The JWS header's '{name}' is not a string.") : null;

    private static byte[] Decode(string part, string what)
    {
        // Strict: the URL-safe alphabet only (no padding, no whitespace), so one text has one reading.
        if (part.Length % 4 == 1 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw Malformed($"The JWS {what} is not base64url (RFC 4648 §5, no padding).");
        }
        return Base64Url.DecodeFromChars(part);
    }

    private static DomainException Malformed(string message) => new(ErrorCodes.ReceiptMalformed, message);
}
