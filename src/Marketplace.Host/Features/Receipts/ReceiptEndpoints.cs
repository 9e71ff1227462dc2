using System.Text;
using System.Text.Json;
using Marketplace.Application.Consent.Receipts;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Receipts;

/// <summary>A receipt to verify: the compact JWS as the person received it.</summary>
public sealed record VerifyReceiptRequest(string? Jws);

/// <summary>
/// Whether the receipt verifies against a published key, which key, and what it says (the decoded payload: an
/// ISO/IEC TS 27560 consent record). <see cref="Reason"/> says why when it does not verify.
/// </summary>
public sealed record ReceiptVerificationResponse(bool Valid, string? KeyId, string? ReceiptId, string? Reason, JsonElement? Payload);

/// <summary>The new current receipt key, and every key now published.</summary>
public sealed record ReceiptKeyRotation(string KeyId, IReadOnlyList<string> Published);

/// <summary>The marketplace's public receipt keys, verification for anyone, and key rotation for operators.</summary>
public static class ReceiptEndpoints
{
    public const string JwksRoute = "/.well-known/jwks.json";

    /// <summary>A compact JWS at its longest, and room for the JSON around it.</summary>
    public const int MaxBodyBytes = CompactJws.MaxLength + 1024;

    public static IEndpointRouteBuilder MapReceiptEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(JwksRoute, GetKeys).WithTags("Receipts").WithName("GetReceiptKeys")
            .WithSummary("The public keys that verify consent receipts (JWK Set: EC P-256, ES256), the current one and those it replaced. Anyone.")
            .RequireAuthorization(Policies.AnyoneOrValidKey)
            .Produces(200, contentType: JsonWebKeySet.ContentType);
        app.MapPost("/api/v1/receipts/verify", VerifyAsync).WithTags("Receipts").WithName("VerifyReceipt")
            .WithSummary("Checks a consent receipt (compact JWS) against the published keys and answers what it says. Anyone.")
            .RequireAuthorization(Policies.AnyoneOrValidKey)
            .Accepts<VerifyReceiptRequest>("application/json", "text/plain", "application/jose")
            .ProducesProblem(400).ProducesProblem(413).DisableAntiforgery();
        app.MapPost("/api/v1/receipt-keys/rotate", Rotate).WithTags("Receipts").WithName("RotateReceiptKey")
            .WithSummary("Makes a new current receipt key; the keys it replaces stay published so earlier receipts still verify. Operator only.")
            .RequireAuthorization(Policies.Operator);
        return app;
    }

    private static IResult GetKeys(HttpContext http, IConsentReceiptKeys keys)
    {
        // Short: a verifier that cached the set before a rotation sees the new key within a minute.
        http.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Bytes(JsonWebKeySet.Write(keys.Published), JsonWebKeySet.ContentType);
    }

    private static async Task<Ok<ReceiptVerificationResponse>> VerifyAsync(HttpContext http, ConsentReceiptVerifier verifier)
    {
        var body = await ReadBoundedAsync(http.Request, http.RequestAborted);
        var verification = verifier.Verify(IsJson(http.Request.ContentType) ? JwsOf(body) : Encoding.UTF8.GetString(body));
        return TypedResults.Ok(new ReceiptVerificationResponse(verification.Valid, verification.KeyId, verification.ReceiptId, verification.Reason, verification.Payload));
    }

    private static Ok<ReceiptKeyRotation> Rotate(IConsentReceiptKeys keys)
    {
        var current = keys.Rotate();
        return TypedResults.Ok(new ReceiptKeyRotation(current.KeyId, [.. keys.Published.Select(k => k.KeyId)]));
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Split(';')[0].Trim().EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string JwsOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("jws", out var jws) && jws.ValueKind == JsonValueKind.String)
            {
                return jws.GetString()!;
            }
        }
        catch (JsonException)
        {
        }
        throw new DomainException(ErrorCodes.ReceiptMalformed,
            "Send the receipt as {\"jws\": \"<compact JWS>\"} (application/json), or the compact JWS itself as text/plain.");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw TooLarge();
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static DomainException TooLarge() =>
        new(ErrorCodes.ReceiptTooLarge, $"A receipt to verify is at most {MaxBodyBytes / 1024} KB.");
}
