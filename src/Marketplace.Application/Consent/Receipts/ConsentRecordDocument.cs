using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Consent.Receipts;

/// <summary>The information bank as the controller of the person's data (ISO/IEC TS 27560 "PII controller").</summary>
public sealed record ReceiptController(string Id, string Contact);

/// <summary>The notice the consent was given under (ISO/IEC 29184), by id and version.</summary>
public sealed record ReceiptNotice(string Id, int Version, string Title, string Language, DateTimeOffset PublishedAt);

/// <summary>
/// A recipient the person consented to: a named buyer (<see cref="Party"/>) or a class of buyer, where it is, and the
/// privacy regime of that country when it is outside Japan (APPI Art. 28).
/// </summary>
public sealed record ReceiptRecipient(string? Party, string Class, string Name, string? Country, string? PrivacyRegime);

/// <summary>One event of the record: given, changed, withdrawn or expired, when, by whom, and the version it made.</summary>
public sealed record ReceiptEvent(string Type, DateTimeOffset Time, string Actor, string ActorId, int Version);

/// <summary>
/// A consent record at one version in the terms of ISO/IEC TS 27560:2023: header (schema, record id, the person),
/// processing (notice, language, purposes, data items, recipients, storage location, retention, jurisdiction,
/// withdrawal method), parties (the information bank as controller) and events, with the record's status when the
/// receipt was issued. This is the payload the marketplace signs; <c>iat</c> and <c>jti</c> are there for JWT tools.
/// </summary>
public sealed record ConsentRecordDocument(
    string SchemaVersion,
    [property: JsonPropertyName("jti")] string ReceiptId,
    [property: JsonPropertyName("iat")] long IssuedAtSeconds,
    DateTimeOffset IssuedAt,
    string RecordId,
    int Version,
    string Event,
    string PiiPrincipalId,
    IReadOnlyList<ReceiptController> PiiControllers,
    ReceiptNotice Notice,
    string Language,
    string Scope,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> DataItems,
    bool AllItemsOfScope,
    bool Sensitive,
    IReadOnlyList<ReceiptRecipient> Recipients,
    string StorageLocation,
    int RetentionDays,
    string Jurisdiction,
    string WithdrawalMethod,
    string Benefit,
    DateTimeOffset ExpiresAt,
    string Status,
    IReadOnlyList<ReceiptEvent> Events)
{
    public const string Schema = "ISO/IEC TS 27560:2023";

    /// <summary>Where the information bank holds the data and under whose law: the marketplace operates in Japan.</summary>
    public const string JurisdictionJapan = "JP";

    /// <summary>camelCase, nulls left out, Japanese written as itself (not \u escapes) so a person can read the payload.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>The record at its current version, given under <paramref name="notice"/>, as a receipt issued at <paramref name="issuedAt"/> says it.</summary>
    public static ConsentRecordDocument Create(ConsentRecord record, ConsentNotice notice, string receiptId, DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentException.ThrowIfNullOrEmpty(receiptId);
        if (record.Events.Count == 0)
        {
            throw new ArgumentException($"Consent record {record.RecordId} has no event to issue a receipt for.", nameof(record));
        }
        if (notice.NoticeId != record.NoticeId || notice.Version != record.NoticeVersion)
        {
            throw new ArgumentException(
                $"Consent record {record.RecordId} was given under notice {record.NoticeId} version {record.NoticeVersion}, not {notice.NoticeId} version {notice.Version}.",
                nameof(notice));
        }
        var terms = record.Terms;
        return new ConsentRecordDocument(
            Schema,
            receiptId,
            issuedAt.ToUnixTimeSeconds(),
            issuedAt,
            record.RecordId,
            record.Version,
            WireNames.Of(record.Events[^1].Kind),
            record.SubjectId,
            [new ReceiptController(record.BankId, notice.Contact)],
            new ReceiptNotice(notice.NoticeId, notice.Version, notice.Title, notice.Language, notice.PublishedAt),
            record.Language,
            terms.Scope.ToString(),
            terms.Purposes,
            terms.Items.Count > 0 ? terms.Items : notice.Items,
            terms.Items.Count == 0,
            terms.SensitiveExplicit,
            RecipientsOf(terms, notice),
            notice.StorageLocation,
            notice.RetentionDays,
            JurisdictionJapan,
            notice.WithdrawalMethod,
            notice.Benefit,
            terms.ExpiresAt,
            WireNames.Of(record.StatusAt(issuedAt)),
            [.. record.Events.Select(e => new ReceiptEvent(WireNames.Of(e.Kind), e.At, WireNames.Of(e.Actor), e.ActorId, e.Version))]);
    }

    /// <summary>
    /// What <paramref name="receipt"/> says about the record: built from <paramref name="record"/> and its notice when the
    /// receipt is of the record's current version (the same document that was signed), otherwise read from the receipt's
    /// signed payload, since the record has changed since (its terms then were not kept apart from the receipt).
    /// </summary>
    public static ConsentRecordDocument Of(ConsentRecord record, ConsentNotice notice, ConsentReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(receipt);
        return receipt.RecordId == record.RecordId && receipt.Version == record.Version
            && notice.NoticeId == record.NoticeId && notice.Version == record.NoticeVersion
            ? Create(record, notice, receipt.ReceiptId, receipt.IssuedAt)
            : Read(receipt);
    }

    /// <summary>The document a receipt's JWS carries (its signature is not checked here: the verifier does that).</summary>
    public static ConsentRecordDocument Read(ConsentReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var parts = CompactJws.Read(receipt.Jws);
        try
        {
            return JsonSerializer.Deserialize<ConsentRecordDocument>(parts.Payload, Json)
                ?? throw new DomainException(ErrorCodes.ReceiptMalformed, $"Receipt {receipt.ReceiptId} carries no consent record.");
        }
        catch (JsonException e)
        {
            throw new DomainException(ErrorCodes.ReceiptMalformed, $"Receipt {receipt.ReceiptId} does not carry a consent record: {e.Message}");
        }
    }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Named buyers first, then each class, with where each is as the notice says it.</summary>
    private static List<ReceiptRecipient> RecipientsOf(ConsentTerms terms, ConsentNotice notice)
    {
        var recipients = new List<ReceiptRecipient>();
        foreach (var party in terms.RecipientParties)
        {
            var named = notice.Recipients.FirstOrDefault(r => r.PartyId == party);
            recipients.Add(named is null
                ? new ReceiptRecipient(party, "named", party, null, null)
                : new ReceiptRecipient(party, WireNames.Of(named.Class), named.Name, named.Country, named.OutsideJapan ? named.PrivacyRegime : null));
        }
        foreach (var recipientClass in terms.RecipientClasses)
        {
            var listed = notice.Recipients.Where(r => r.PartyId is null && r.Class == recipientClass).ToList();
            if (listed.Count == 0)
            {
                recipients.Add(new ReceiptRecipient(null, WireNames.Of(recipientClass), WireNames.Of(recipientClass), null, null));
            }
            recipients.AddRange(listed.Select(r =>
                new ReceiptRecipient(null, WireNames.Of(r.Class), r.Name, r.Country, r.OutsideJapan ? r.PrivacyRegime : null)));
        }
        return recipients;
    }
}
