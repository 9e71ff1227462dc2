using System.Text.Json;

namespace Marketplace.Application.Consent.Receipts;

/// <summary>
/// Whether a receipt verifies, with which key, and what it says. <see cref="Payload"/> is the decoded payload (also of a
/// receipt that does not verify, when it is JSON, so a person can see what was changed); only a valid one is ours.
/// </summary>
public sealed record ReceiptVerification(bool Valid, string? KeyId, string? Reason, JsonElement? Payload)
{
    public string? ReceiptId =>
        Valid && Payload is { ValueKind: JsonValueKind.Object } payload && payload.TryGetProperty("jti", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString() : null;
}

/// <summary>
/// Checks a compact JWS receipt against the marketplace's published keys. Anything that is not a compact JWS is refused
/// (<c>receipt.malformed</c>); a well-formed one that fails (another algorithm, an unknown key, a changed payload or
/// signature) answers <see cref="ReceiptVerification.Valid"/> false with the reason.
/// </summary>
public sealed class ConsentReceiptVerifier(IConsentReceiptKeys keys)
{
    public ReceiptVerification Verify(string? compact)
    {
        var parts = CompactJws.Read(compact);
        var payload = TryParse(parts.Payload);
        if (parts.Algorithm != CompactJws.Algorithm)
        {
            // Never let the token choose a weaker check (RFC 8725 §3.1): receipts are ES256 and nothing else.
            return new(false, parts.KeyId, $"The receipt is signed with '{Shorten(parts.Algorithm)}'; marketplace receipts are signed with {CompactJws.Algorithm} only.", payload);
        }
        if (parts.KeyId is null)
        {
            return new(false, null, "The receipt's header names no key (kid); marketplace receipts always do.", payload);
        }
        if (keys.Find(parts.KeyId) is not { } key)
        {
            return new(false, parts.KeyId,
                $"No published key has the id '{Shorten(parts.KeyId)}': it is not a marketplace key, or one retired so long ago it is no longer published.", payload);
        }
        if (parts.Signature.Length != 64 || !key.Verify(parts.SigningInput, parts.Signature))
        {
            return new(false, key.KeyId, "The signature does not match: the receipt was changed after it was signed, or was not signed by this key.", payload);
        }
        return payload is { ValueKind: JsonValueKind.Object }
            ? new(true, key.KeyId, null, payload)
            : new(false, key.KeyId, "The signature matches but the payload is not a JSON object, so it is not a consent receipt.", payload);
    }

    private static JsonElement? TryParse(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
