namespace Marketplace.Billing.Payments;

/// <summary>The default run has no Stripe key: billing computes and stores invoices, outbox items wait, and nothing here is called.</summary>
public sealed class LedgerOnlyPaymentProcessor : IPaymentProcessor
{
    private const string NotConfigured = "Stripe is not configured";

    public bool IsConfigured => false;

    public bool TransfersEnabled => false;

    public Task<string> EnsureCustomerAsync(PaymentCustomer customer, string idempotencyKey, CancellationToken ct = default) => throw new InvalidOperationException(NotConfigured);

    public Task<string> EnsureProductAsync(PaymentProduct product, string idempotencyKey, CancellationToken ct = default) => throw new InvalidOperationException(NotConfigured);

    public Task<PaymentMeter> EnsureMeterAsync(string unit, string idempotencyKey, CancellationToken ct = default) => throw new InvalidOperationException(NotConfigured);

    public Task ReportMeterEventAsync(MeterEventReport report, CancellationToken ct = default) => throw new InvalidOperationException(NotConfigured);

    public Task<PaymentInvoice> IssueInvoiceAsync(PaymentInvoiceRequest request, string idempotencyKey, CancellationToken ct = default) => throw new InvalidOperationException(NotConfigured);

    public Task<PaymentCreditNote> IssueCreditNoteAsync(PaymentCreditNoteRequest request, string idempotencyKey, CancellationToken ct = default) => throw new InvalidOperationException(NotConfigured);

    public Task<string> TransferAsync(PaymentTransfer transfer, string idempotencyKey, CancellationToken ct = default) => throw new InvalidOperationException(NotConfigured);

    public Task<IReadOnlyList<MeterDaySummary>> ReadMeterSummariesAsync(string meterId, string customerId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default) => throw new InvalidOperationException(NotConfigured);

    public PaymentWebhookEvent ParseWebhook(string json, string signatureHeader) => throw new InvalidOperationException(NotConfigured);
}
