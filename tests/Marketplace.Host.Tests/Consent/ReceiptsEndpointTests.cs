using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.Consent;

/// <summary>The receipt endpoints of a running host: its JWK Set, verification for anyone, and rotation by an operator.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class ReceiptsEndpointTests(MarketplaceFixture fixture)
{
    /// <summary>A receipt signed by the host's own signer (the one the data-subject grain calls).</summary>
    public static ConsentReceipt SignedReceipt(MarketplaceFactory factory, string recordId = "cr-1")
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.Services.GetRequiredService<IConsentReceiptSigner>()
            .Sign(ReceiptsFixtures.Record(recordId), ReceiptsFixtures.Notice(), ReceiptsFixtures.Given);
    }

    [Fact]
    public async Task Anyone_reads_the_JWK_set_which_names_the_key_of_a_new_receipt()
    {
        var receipt = SignedReceipt(fixture.Factory);

        var response = await fixture.Factory.CreateClient().GetAsync("/.well-known/jwks.json");
        var keys = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("keys");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(keys.EnumerateArray(), k => k.GetProperty("kid").GetString() == receipt.KeyId && k.GetProperty("crv").GetString() == "P-256");
    }

    [Fact]
    public async Task A_third_party_checks_a_receipt_with_nothing_but_the_published_JWK_set()
    {
        var receipt = SignedReceipt(fixture.Factory);

        var jwks = JsonDocument.Parse(await fixture.Factory.CreateClient().GetStringAsync("/.well-known/jwks.json")).RootElement;
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(receipt.Jws.Split('.')[0])).RootElement;
        var jwk = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == header.GetProperty("kid").GetString());
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()) },
        });
        var signedPart = receipt.Jws[..receipt.Jws.LastIndexOf('.')];

        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(signedPart), Base64Url.DecodeFromChars(receipt.Jws.Split('.')[2]), HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task The_JWK_set_may_be_cached_for_a_minute_only()
    {
        var response = await fixture.Factory.CreateClient().GetAsync("/.well-known/jwks.json");

        Assert.Equal("public, max-age=60", response.Headers.CacheControl?.ToString());
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Anyone_verifies_a_receipt_sent_as_JSON_and_sees_what_it_says()
    {
        var receipt = SignedReceipt(fixture.Factory);

        var answer = await VerifyAsync(JsonContent.Create(new { jws = receipt.Jws }));

        Assert.True(answer.GetProperty("valid").GetBoolean(), answer.ToString());
        Assert.Equal(receipt.KeyId, answer.GetProperty("keyId").GetString());
        Assert.Equal(receipt.ReceiptId, answer.GetProperty("receiptId").GetString());
        Assert.Equal("resident-7", answer.GetProperty("payload").GetProperty("piiPrincipalId").GetString());
    }

    [Fact]
    public async Task A_receipt_sent_as_plain_text_verifies_too()
    {
        var receipt = SignedReceipt(fixture.Factory);

        var answer = await VerifyAsync(new StringContent(receipt.Jws, Encoding.ASCII, "text/plain"));

        Assert.True(answer.GetProperty("valid").GetBoolean(), answer.ToString());
    }

    [Fact]
    public async Task A_tampered_receipt_answers_not_valid_with_the_reason()
    {
        var parts = SignedReceipt(fixture.Factory).Jws.Split('.');
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';

        var answer = await VerifyAsync(JsonContent.Create(new { jws = $"{parts[0]}.{parts[1]}.{new string(signature)}" }));

        Assert.False(answer.GetProperty("valid").GetBoolean());
        Assert.Contains("signature does not match", answer.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json", "{\"jws\": \"garbage\"}")]
    [InlineData("application/json", "{\"receipt\": \"x.y.z\"}")]
    [InlineData("application/json", "not json")]
    [InlineData("text/plain", "only.two")]
    public async Task Garbage_answers_400_receipt_malformed(string contentType, string body)
    {
        var response = await fixture.Factory.CreateClient().PostAsync("/api/v1/receipts/verify", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("receipt.malformed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_beyond_the_bound_answers_413()
    {
        var response = await fixture.Factory.CreateClient().PostAsync("/api/v1/receipts/verify",
            new StringContent(new string('a', 300 * 1024), Encoding.ASCII, "text/plain"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task After_an_operator_rotates_old_receipts_still_verify_and_new_ones_carry_the_new_key()
    {
        var before = SignedReceipt(fixture.Factory);

        var rotation = await fixture.Driver.Operator.PostAsync("/api/v1/receipt-keys/rotate", null);
        var newKey = JsonDocument.Parse(await rotation.Content.ReadAsStringAsync()).RootElement.GetProperty("keyId").GetString();
        var after = SignedReceipt(fixture.Factory);
        var jwks = await fixture.Factory.CreateClient().GetStringAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        Assert.Equal(newKey, after.KeyId);
        Assert.NotEqual(before.KeyId, after.KeyId);
        Assert.Contains(before.KeyId, jwks, StringComparison.Ordinal);
        Assert.True((await VerifyAsync(JsonContent.Create(new { jws = before.Jws }))).GetProperty("valid").GetBoolean());
        Assert.True((await VerifyAsync(JsonContent.Create(new { jws = after.Jws }))).GetProperty("valid").GetBoolean());
    }

    private async Task<JsonElement> VerifyAsync(HttpContent content)
    {
        var response = await fixture.Factory.CreateClient().PostAsync("/api/v1/receipts/verify", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
