namespace Marketplace.Billing.Payments;

/// <summary>
/// The payment processor as billing sees it: every effect is keyed by an idempotency key (the outbox item's id),
/// so a repeated call has one effect. Implementations throw <see cref="PaymentUnavailableException"/> for what a
/// retry may fix and <see cref="PaymentRejectedException"/> for what it will not.
/// </summary>
public interface IPaymentProcessor
{
    /// False in the default ledger-only run (no API key): callers leave outbox items waiting.
    bool IsConfigured { get; }

    /// Payouts can be sent as transfers (Stripe is configured and the account has Connect); otherwise payout items wait.
    bool TransfersEnabled => IsConfigured;

    /// Creates the buyer's customer; returns "cus_…". Callers store the id: a second customer appears only if
    /// the same buyer is ensured again under another key after Stripe forgot the first (24 hours).
    Task<string> EnsureCustomerAsync(PaymentCustomer customer, string idempotencyKey, CancellationToken ct = default);

    /// One Product per offering; returns "prod_…".
    Task<string> EnsureProductAsync(PaymentProduct product, string idempotencyKey, CancellationToken ct = default);

    /// One Billing Meter per usage unit ("record"|"request"|"mib"): event name "marketplace_" + unit, aggregation
    /// sum, customer mapping by payload key "stripe_customer_id". An active meter with that event name is reused.
    Task<PaymentMeter> EnsureMeterAsync(string unit, string idempotencyKey, CancellationToken ct = default);

    /// v1 billing/meter_events; the identifier is the dedup key and also the idempotency key.
    Task ReportMeterEventAsync(MeterEventReport report, CancellationToken ct = default);

    /// Creates a draft invoice, adds the lines, finalises it (status "open").
    Task<PaymentInvoice> IssueInvoiceAsync(PaymentInvoiceRequest request, string idempotencyKey, CancellationToken ct = default);

    Task<PaymentCreditNote> IssueCreditNoteAsync(PaymentCreditNoteRequest request, string idempotencyKey, CancellationToken ct = default);

    /// Moves money to a connected account; returns "tr_…".
    Task<string> TransferAsync(PaymentTransfer transfer, string idempotencyKey, CancellationToken ct = default);

    /// value_grouping_window=day, all pages, ascending by start. Stripe's day windows are UTC days: pass start and
    /// end at 00:00 UTC (not Tokyo midnight). Days without events may be absent.
    Task<IReadOnlyList<MeterDaySummary>> ReadMeterSummariesAsync(string meterId, string customerId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default);

    /// Verifies the Stripe-Signature header (300 s tolerance against the injected TimeProvider) and parses the
    /// event; throws <see cref="PaymentWebhookRejected"/> for a bad/stale/tampered signature or an unparseable body.
    PaymentWebhookEvent ParseWebhook(string json, string signatureHeader);
}

public sealed record PaymentCustomer(string BuyerId, string Name, string? Email);

public sealed record PaymentProduct(string OfferingId, string Name);

public sealed record PaymentMeter(string MeterId, string EventName);

public sealed record MeterEventReport(string EventName, string CustomerId, long Value, DateTimeOffset Timestamp, string Identifier);

/// <param name="TaxRateBasisPoints">Null = no tax on this line (e.g. a rounding adjustment); 1000 = 10 %.</param>
public sealed record PaymentInvoiceLine(string ProductId, string Description, long AmountMinor, int? TaxRateBasisPoints, IReadOnlyDictionary<string, string> Metadata);

public sealed record PaymentInvoiceRequest(string InvoiceId, string CustomerId, string Currency, IReadOnlyList<PaymentInvoiceLine> Lines, string Description, IReadOnlyDictionary<string, string> Metadata, int DaysUntilDue);

public sealed record PaymentInvoice(string StripeInvoiceId, string Status, long TotalMinor, long TaxMinor, string? Number);

public sealed record PaymentCreditNoteRequest(string StripeInvoiceId, string CreditNoteId, long AmountMinor, string Memo, IReadOnlyDictionary<string, string> Metadata);

public sealed record PaymentCreditNote(string StripeCreditNoteId, long AmountMinor);

public sealed record PaymentTransfer(string PayoutId, string DestinationAccountId, long AmountMinor, string Currency, string? SourceChargeId, string TransferGroup, IReadOnlyDictionary<string, string> Metadata);

public sealed record MeterDaySummary(DateTimeOffset Start, DateTimeOffset End, long Value);

/// <param name="InvoiceId">Our invoice id, from the Stripe invoice's metadata["marketplace_invoice"].</param>
public sealed record PaymentWebhookEvent(string EventId, string Type, DateTimeOffset Created, string? StripeInvoiceId, string? InvoiceId, string? Status, long? AmountPaidMinor, string? ChargeId);
