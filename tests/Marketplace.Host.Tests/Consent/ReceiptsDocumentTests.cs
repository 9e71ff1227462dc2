using System.Text.Json;
using Marketplace.Application.Consent.Receipts;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Tests.Consent;

/// <summary>What a receipt says: the ISO/IEC TS 27560 record it signs, and its Kantara Consent Receipt 1.1 export.</summary>
public sealed class ReceiptsDocumentTests
{
    private static readonly DateTimeOffset Issued = ReceiptsFixtures.Given.AddSeconds(1);

    [Fact]
    public void The_record_document_carries_the_27560_elements_of_the_consent()
    {
        var document = JsonDocument.Parse(ConsentRecordDocument.Create(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), "rcpt-1", Issued).ToJson()).RootElement;

        Assert.Equal("ISO/IEC TS 27560:2023", document.GetProperty("schemaVersion").GetString());
        Assert.Equal(("cr-1", "resident-7", "bank-kita"),
            (document.GetProperty("recordId").GetString(), document.GetProperty("piiPrincipalId").GetString(), document.GetProperty("piiControllers")[0].GetProperty("id").GetString()));
        Assert.Equal(("notice-health", 1), (document.GetProperty("notice").GetProperty("id").GetString(), document.GetProperty("notice").GetProperty("version").GetInt32()));
        Assert.Equal(("ja", "JP", "active"), (document.GetProperty("language").GetString(), document.GetProperty("jurisdiction").GetString(), document.GetProperty("status").GetString()));
        Assert.Equal(["public-health-research"], document.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["steps", "blood-pressure"], document.GetProperty("dataItems").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(("東京都内のデータセンター", 365), (document.GetProperty("storageLocation").GetString(), document.GetProperty("retentionDays").GetInt32()));
        Assert.Equal("ポータルの「同意を撤回」ボタン、または窓口へ電話", document.GetProperty("withdrawalMethod").GetString());
    }

    [Fact]
    public void A_recipient_outside_Japan_carries_its_country_and_privacy_regime_and_one_in_Japan_none()
    {
        var recipients = ConsentRecordDocument.Create(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), "rcpt-1", Issued).Recipients;

        Assert.Equal(
            [
                new ReceiptRecipient("buyer-berlin", "commercial", "Berlin Gesundheit GmbH", "DE", "EU GDPR (adequacy decision for Japan)"),
                new ReceiptRecipient(null, "academic", "国内の大学・研究機関", "JP", null),
            ],
            recipients);
    }

    [Fact]
    public void The_events_say_what_happened_when_and_by_whom()
    {
        var withdrawn = ReceiptsFixtures.Record().With(ConsentEventKind.Withdrawn, Issued, ConsentActor.Subject, "resident-7");

        var document = ConsentRecordDocument.Create(withdrawn, ReceiptsFixtures.Notice(), "rcpt-2", Issued);

        Assert.Equal(
            [new ReceiptEvent("given", ReceiptsFixtures.Given, "subject", "resident-7", 1), new ReceiptEvent("withdrawn", Issued, "subject", "resident-7", 2)],
            document.Events);
        Assert.Equal(("withdrawn", "withdrawn", 2), (document.Event, document.Status, document.Version));
    }

    [Fact]
    public void A_notice_other_than_the_one_the_record_was_given_under_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ConsentRecordDocument.Create(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(version: 2), "rcpt-1", Issued));
    }

    [Fact]
    public void The_document_of_an_earlier_receipt_is_the_one_it_signed_even_after_the_record_changed()
    {
        using var keys = new KeysOnDisk();
        var record = ReceiptsFixtures.Record();
        var first = new ConsentReceiptSigner(keys.Keys).Sign(record, ReceiptsFixtures.Notice(), Issued);
        var changed = record.With(ConsentEventKind.Withdrawn, Issued.AddDays(1), ConsentActor.Subject, "resident-7");

        var document = ConsentRecordDocument.Of(changed, ReceiptsFixtures.Notice(), first);

        Assert.Equal((1, "active", first.ReceiptId), (document.Version, document.Status, document.ReceiptId));
        Assert.Single(document.Events);
    }

    [Fact]
    public void The_Kantara_export_has_every_required_field_of_version_1_1()
    {
        using var keys = new KeysOnDisk();
        var receipt = new ConsentReceiptSigner(keys.Keys).Sign(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), Issued);

        var kantara = JsonDocument.Parse(KantaraReceipt.ToJson(KantaraReceipt.Export(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), receipt))).RootElement;

        Assert.Equal(
            ["version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID", "language", "piiPrincipalId", "piiControllers", "policyUrl", "services", "sensitive", "spiCat"],
            kantara.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["piiController", "onBehalf", "contact", "address", "email", "phone"],
            kantara.GetProperty("piiControllers")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["purpose", "purposeCategory", "consentType", "piiCategory", "primaryPurpose", "termination", "thirdPartyDisclosure", "thirdPartyName"],
            kantara.GetProperty("services")[0].GetProperty("purposes")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void The_Kantara_export_says_the_receipt_the_person_the_time_and_the_explicit_purposes()
    {
        using var keys = new KeysOnDisk();
        var receipt = new ConsentReceiptSigner(keys.Keys).Sign(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), Issued);

        var kantara = KantaraReceipt.Export(ReceiptsFixtures.Record(), ReceiptsFixtures.Notice(), receipt);
        var purpose = kantara["services"]![0]!["purposes"]![0]!;

        Assert.Equal(("KI-CR-v1.1.0", "JP", receipt.ReceiptId, "resident-7"),
            ((string?)kantara["version"], (string?)kantara["jurisdiction"], (string?)kantara["consentReceiptID"], (string?)kantara["piiPrincipalId"]));
        Assert.Equal(ReceiptsFixtures.Given.ToUnixTimeSeconds(), (long?)kantara["consentTimestamp"]);
        Assert.Equal(("public-health-research", "EXPLICIT", true), ((string?)purpose["purpose"], (string?)purpose["consentType"], (bool?)purpose["thirdPartyDisclosure"]));
        Assert.Contains("Berlin Gesundheit GmbH (DE; EU GDPR", (string?)purpose["thirdPartyName"], StringComparison.Ordinal);
        Assert.Equal("urn:marketplace:notice:bank-kita:notice-health:1", (string?)kantara["policyUrl"]);
    }

    [Fact]
    public void Sensitive_consent_names_its_category_in_the_Kantara_export_and_other_consent_none()
    {
        using var keys = new KeysOnDisk();
        var signer = new ConsentReceiptSigner(keys.Keys);
        var sensitive = ReceiptsFixtures.Record(sensitive: true);
        var plain = ReceiptsFixtures.Record(sensitive: false);

        var withHealth = KantaraReceipt.Export(sensitive, ReceiptsFixtures.Notice(), signer.Sign(sensitive, ReceiptsFixtures.Notice(), Issued));
        var without = KantaraReceipt.Export(plain, ReceiptsFixtures.Notice(), signer.Sign(plain, ReceiptsFixtures.Notice(), Issued));

        Assert.Equal((true, "[\"health\"]"), ((bool?)withHealth["sensitive"], withHealth["spiCat"]!.ToJsonString()));
        Assert.Equal((false, "[]"), ((bool?)without["sensitive"], without["spiCat"]!.ToJsonString()));
    }

    private sealed class KeysOnDisk : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", "receipts-" + Guid.NewGuid().ToString("N"));

        public KeysOnDisk() => Keys = new Features.Receipts.ConsentReceiptKeys(_directory, TimeProvider.System);

        public Features.Receipts.ConsentReceiptKeys Keys { get; }

        public void Dispose()
        {
            Keys.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
