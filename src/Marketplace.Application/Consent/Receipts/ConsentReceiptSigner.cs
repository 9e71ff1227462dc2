using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Consent.Receipts;

/// <summary>
/// Signs a consent record at its current version as a compact JWS (ES256) with the marketplace's current receipt key:
/// the payload is the record's <see cref="ConsentRecordDocument"/>, the header names the key, so anyone can check it
/// against <c>/.well-known/jwks.json</c>, also after the key has been rotated.
/// </summary>
public sealed class ConsentReceiptSigner(IConsentReceiptKeys keys) : IConsentReceiptSigner
{
    public ConsentReceipt Sign(ConsentRecord record, ConsentNotice notice, DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(notice);
        // Version 7: receipt ids sort by the time they were issued, which is how a person lists them.
        var receiptId = "rcpt-" + Guid.CreateVersion7(issuedAt).ToString("N");
        var document = ConsentRecordDocument.Create(record, notice, receiptId, issuedAt);
        var key = keys.Current;
        return new ConsentReceipt(receiptId, record.RecordId, record.Version, record.Events[^1].Kind, issuedAt, key.KeyId,
            CompactJws.Sign(key, document.ToUtf8Json()));
    }
}
