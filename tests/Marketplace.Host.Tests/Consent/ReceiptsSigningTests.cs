using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Application.Consent.Receipts;
using Marketplace.Domain;
using Marketplace.Host.Features.Receipts;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Host.Tests.Consent;

/// <summary>Receipts signed and checked without a host: the key files, the JWS, the JWK Set and the verifier.</summary>
public sealed class ReceiptsSigningTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", "receipts-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(ReceiptsFixtures.Given);
    private readonly ConsentReceiptKeys _keys;

    public ReceiptsSigningTests() => _keys = new ConsentReceiptKeys(_directory, _time);

    public void Dispose()
    {
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_signed_receipt_verifies_with_the_key_the_JWK_set_publishes()
    {
        var receipt = new ConsentReceiptSigner(_keys).Sign(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), ReceiptsFixtures.Given);

        var published = JsonDocument.Parse(JsonWebKeySet.Write(_keys.Published)).RootElement.GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("kid").GetString() == receipt.KeyId);
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(published.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(published.GetProperty("y").GetString()) },
        });
        var parts = receipt.Jws.Split('.');

        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void The_JWK_set_publishes_EC_P256_signing_keys_and_no_private_part()
    {
        var key = Assert.Single(JsonDocument.Parse(JsonWebKeySet.Write(_keys.Published)).RootElement.GetProperty("keys").EnumerateArray());

        Assert.Equal(
            ["kty=EC", "crv=P-256", $"x={_keys.Current.X}", $"y={_keys.Current.Y}", $"kid={_keys.Current.KeyId}", "use=sig", "alg=ES256"],
            key.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"));
    }

    [Fact]
    public void The_receipt_header_names_ES256_its_key_and_its_type()
    {
        var receipt = Sign();

        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(receipt.Jws.Split('.')[0])).RootElement;

        Assert.Equal(("ES256", receipt.KeyId, "consent-receipt+jwt"),
            (header.GetProperty("alg").GetString(), header.GetProperty("kid").GetString(), header.GetProperty("typ").GetString()));
    }

    [Fact]
    public void The_verifier_accepts_a_receipt_as_signed_and_answers_its_payload()
    {
        var receipt = Sign();

        var verification = new ConsentReceiptVerifier(_keys).Verify(receipt.Jws);

        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal((receipt.KeyId, receipt.ReceiptId), (verification.KeyId, verification.ReceiptId));
        Assert.Equal("cr-1", verification.Payload!.Value.GetProperty("recordId").GetString());
    }

    [Fact]
    public void A_receipt_whose_payload_was_changed_by_one_byte_does_not_verify()
    {
        var parts = Sign().Jws.Split('.');
        var payload = Base64Url.DecodeFromChars(parts[1]);
        var at = Encoding.UTF8.GetString(payload).IndexOf("resident-7", StringComparison.Ordinal);
        payload[at + "resident-".Length] = (byte)'8';
        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(payload)}.{parts[2]}";

        var verification = new ConsentReceiptVerifier(_keys).Verify(tampered);

        Assert.False(verification.Valid);
        Assert.Contains("signature does not match", verification.Reason, StringComparison.Ordinal);
        Assert.Equal("resident-8", verification.Payload!.Value.GetProperty("piiPrincipalId").GetString());
    }

    [Fact]
    public void A_receipt_whose_signature_was_changed_does_not_verify()
    {
        var parts = Sign().Jws.Split('.');
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[10] ^= 0x01;

        var verification = new ConsentReceiptVerifier(_keys).Verify($"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}");

        Assert.False(verification.Valid);
    }

    [Fact]
    public void A_receipt_signed_by_a_key_the_marketplace_never_published_does_not_verify()
    {
        using var other = new ConsentReceiptKeys(_directory + "-other", _time);
        var foreign = new ConsentReceiptSigner(other).Sign(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), ReceiptsFixtures.Given);

        var verification = new ConsentReceiptVerifier(_keys).Verify(foreign.Jws);
        Directory.Delete(_directory + "-other", recursive: true);

        Assert.False(verification.Valid);
        Assert.Contains("No published key", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_receipt_that_names_another_algorithm_does_not_verify_even_with_a_known_key()
    {
        var parts = Sign().Jws.Split('.');
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"alg\":\"none\",\"kid\":\"{_keys.Current.KeyId}\"}}"));

        var verification = new ConsentReceiptVerifier(_keys).Verify($"{header}.{parts[1]}.");

        Assert.False(verification.Valid);
        Assert.Contains("ES256 only", verification.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a jws")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("e30.e30.AA==")]
    [InlineData("bm90IGpzb24.e30.AA")]
    [InlineData("e30.e30.AA")]
    public void Text_that_is_not_a_compact_JWS_is_refused_as_malformed(string text)
    {
        var refusal = Assert.Throws<DomainException>(() => new ConsentReceiptVerifier(_keys).Verify(text));

        Assert.Equal(ErrorCodes.ReceiptMalformed.Value, refusal.Code);
    }

    [Fact]
    public void After_a_rotation_new_receipts_carry_the_new_key_and_old_ones_still_verify()
    {
        var before = Sign();

        var rotated = _keys.Rotate();
        var after = Sign();
        var verifier = new ConsentReceiptVerifier(_keys);

        Assert.NotEqual(before.KeyId, rotated.KeyId);
        Assert.Equal(rotated.KeyId, after.KeyId);
        Assert.True(verifier.Verify(before.Jws).Valid);
        Assert.True(verifier.Verify(after.Jws).Valid);
        Assert.Equal([rotated.KeyId, before.KeyId], _keys.Published.Select(k => k.KeyId));
    }

    [Fact]
    public void A_rotation_keeps_only_the_public_half_of_the_key_it_replaces()
    {
        var old = _keys.Current.KeyId;

        _keys.Rotate();

        Assert.False(File.Exists(Path.Combine(_keys.Directory, old + ".key")));
        Assert.Contains("PUBLIC KEY", File.ReadAllText(Path.Combine(_keys.Directory, old + ".pub")), StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_twenty_keys_stay_published_the_oldest_dropped_first()
    {
        var first = _keys.Current.KeyId;

        for (var i = 0; i < ConsentReceiptKeys.MaxKeys; i++)
        {
            _keys.Rotate();
        }

        Assert.Equal(ConsentReceiptKeys.MaxKeys, _keys.Published.Count);
        Assert.Null(_keys.Find(first));
        Assert.Equal(ConsentReceiptKeys.MaxKeys, Directory.GetFiles(_keys.Directory).Length);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_key_file_is_created_readable_by_the_owner_only()
    {
        var mode = File.GetUnixFileMode(_keys.FileOf(_keys.Current.KeyId));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public void A_second_start_on_the_same_directory_signs_with_the_same_key()
    {
        using var again = new ConsentReceiptKeys(_directory, _time);

        Assert.Equal(_keys.Current.KeyId, again.Current.KeyId);
        Assert.Equal(_keys.Current.X, again.Current.X);
    }

    [Fact]
    public void Two_hosts_on_one_directory_agree_on_the_current_key_and_verify_each_other_s_receipts()
    {
        using var other = new ConsentReceiptKeys(_directory, _time);
        var rotated = other.Rotate();
        var receipt = new ConsentReceiptSigner(other).Sign(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), ReceiptsFixtures.Given);

        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(rotated.KeyId, _keys.Current.KeyId);
        Assert.True(new ConsentReceiptVerifier(_keys).Verify(receipt.Jws).Valid);
    }

    [Fact]
    public void A_key_another_host_made_a_moment_ago_verifies_once_a_second_has_passed()
    {
        using var other = new ConsentReceiptKeys(_directory, _time);
        _ = _keys.Published; // read before the other host rotates
        other.Rotate();
        var receipt = new ConsentReceiptSigner(other).Sign(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), ReceiptsFixtures.Given);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(new ConsentReceiptVerifier(_keys).Verify(receipt.Jws).Valid);
    }

    [Fact]
    public void Receipt_ids_are_unique_and_name_the_record_version_and_event()
    {
        var first = Sign();
        var second = Sign();

        Assert.NotEqual(first.ReceiptId, second.ReceiptId);
        Assert.StartsWith("rcpt-", first.ReceiptId, StringComparison.Ordinal);
        Assert.Equal(("cr-1", 1, ConsentEventKind.Given), (first.RecordId, first.Version, first.Kind));
    }

    private Grains.ConsentReceipt Sign() =>
        new ConsentReceiptSigner(_keys).Sign(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), ReceiptsFixtures.Given);
}
