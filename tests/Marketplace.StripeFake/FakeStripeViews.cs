namespace Marketplace.StripeFake;

// Read-only snapshots of the fake's state for assertions. Amounts in minor units; times in UTC.

public sealed record FakeCustomer(string Id, string? Name, string? Email, IReadOnlyDictionary<string, string> Metadata);

public sealed record FakeProduct(string Id, string Name, IReadOnlyDictionary<string, string> Metadata);

public sealed record FakeTaxRate(string Id, decimal Percentage, bool Inclusive, string? Country, string? DisplayName, IReadOnlyDictionary<string, string> Metadata);

public sealed record FakeMeter(string Id, string EventName, string DisplayName, string Formula, string CustomerPayloadKey);

/// One counted meter event (a duplicated one appears twice).
public sealed record FakeMeterEvent(string MeterId, string EventName, string CustomerId, long Value, DateTimeOffset Timestamp, string Identifier);

/// Σ counted values per meter, customer and UTC day: what Stripe would bill.
public sealed record FakeMeterDayTotal(string MeterId, string CustomerId, DateOnly Day, long Value);

public sealed record FakeInvoiceLine(string Id, string InvoiceItemId, string? ProductId, string? Description, long Amount, long Tax, IReadOnlyList<string> TaxRateIds, IReadOnlyDictionary<string, string> Metadata);

public sealed record FakeInvoice(
    string Id,
    string CustomerId,
    string Currency,
    string Status,
    string? Number,
    long Subtotal,
    long Tax,
    long Total,
    long AmountPaid,
    string? ChargeId,
    IReadOnlyList<FakeInvoiceLine> Lines,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record FakeCreditNote(string Id, string InvoiceId, long Amount, string? Memo, IReadOnlyDictionary<string, string> Metadata);

public sealed record FakeTransfer(string Id, long Amount, string Currency, string Destination, string? SourceTransaction, string? TransferGroup, IReadOnlyDictionary<string, string> Metadata);

/// Every request the fake answered, in arrival order.
public sealed record FakeRequest(string Method, string Path, string? IdempotencyKey, string Body, int Status, bool Replayed);
