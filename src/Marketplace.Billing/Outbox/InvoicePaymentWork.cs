using System.Globalization;
using Marketplace.Application;
using Marketplace.Billing.Payments;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Outbox;

/// <summary>
/// Sends an issued invoice to the payment processor: its customer and product, one item per line with the line's
/// tax rate, and where the processor's per-line tax rounding differs from ours (once per invoice per rate) an
/// untaxed rounding line, so that the processor's total equals ours to the yen; then finalises it. A total that
/// still differs is refused for an operator to look at, never silently accepted.
/// </summary>
public sealed class InvoicePaymentWork(
    GrainReferences grains,
    PaymentLinks links,
    IPaymentProcessor processor,
    BillingCalendar calendar,
    IOptions<BillingOptions> options) : IPaymentWork
{
    public string Kind => PaymentOutbox.InvoiceMessage;

    public string? SequenceKey(OutboxMessage message) => null;

    public async Task RunAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var invoiceGrain = grains.Get<IInvoiceGrain>(message.Payload);
        var invoice = await invoiceGrain.Get() ?? throw new PaymentWorkNotReady($"Invoice '{message.Payload}' is not stored yet.");
        if (invoice.PaymentInvoiceId is not null && invoice.Status != InvoiceStatus.Issued)
        {
            return;
        }
        var customer = await links.CustomerAsync(invoice.Buyer.Id, cancellationToken);
        var product = await links.ProductAsync(invoice.OfferingId, invoice.OfferingTitle, cancellationToken);
        var request = new PaymentInvoiceRequest(
            invoice.Id,
            customer,
            invoice.Currency.Code.ToLowerInvariant(),
            LinesOf(invoice, product),
            $"{invoice.OfferingTitle} — {invoice.Period} ({invoice.Id})",
            new Dictionary<string, string>
            {
                ["marketplace_invoice"] = invoice.Id,
                ["marketplace_contract"] = invoice.ContractId,
                ["marketplace_period"] = invoice.Period,
            },
            options.Value.DaysUntilDue);
        var sent = await processor.IssueInvoiceAsync(request, message.IdempotencyKey, cancellationToken);
        if (sent.TotalMinor != invoice.TotalMinor)
        {
            throw new PaymentRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"The payment processor's invoice {sent.StripeInvoiceId} totals {sent.TotalMinor} but invoice {invoice.Id} totals {invoice.TotalMinor}; void it there and reconcile the period."));
        }
        var status = sent.Status switch
        {
            "paid" => InvoiceStatus.Paid,
            "open" or "uncollectible" => InvoiceStatus.Finalized,
            _ => InvoiceStatus.Issued,
        };
        await invoiceGrain.RecordPayment(new PaymentNotice(status, calendar.Now, sent.StripeInvoiceId));
    }

    /// <summary>The processor's lines for an invoice: ours, then one untaxed rounding line per rate where needed.</summary>
    public static IReadOnlyList<PaymentInvoiceLine> LinesOf(Invoice invoice, string productId)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var lines = invoice.Lines.Select(l => new PaymentInvoiceLine(
            productId,
            Describe(invoice, l),
            l.AmountMinor,
            l.TaxRateBasisPoints,
            new Dictionary<string, string>
            {
                ["marketplace_line"] = l.Number.ToString(CultureInfo.InvariantCulture),
                ["marketplace_kind"] = WireNames.Of(l.Kind),
                ["marketplace_usage_period"] = l.UsagePeriod,
                ["marketplace_quantity"] = l.Quantity.ToString(CultureInfo.InvariantCulture),
            })).ToList();
        foreach (var tax in invoice.Taxes)
        {
            var amounts = invoice.Lines.Where(l => l.TaxRateBasisPoints == tax.RateBasisPoints).Select(l => l.AmountMinor).ToList();
            var adjustment = PaymentTaxRounding.AdjustmentFor(amounts, tax.RateBasisPoints, tax.TaxMinor);
            if (adjustment != 0)
            {
                var number = lines.Count + 1;
                lines.Add(new PaymentInvoiceLine(
                    productId,
                    string.Create(CultureInfo.InvariantCulture, $"消費税端数調整 {tax.RateBasisPoints / 100m:0.##}% / Consumption tax rounding (once per invoice and rate)"),
                    adjustment,
                    null,
                    new Dictionary<string, string>
                    {
                        ["marketplace_line"] = number.ToString(CultureInfo.InvariantCulture),
                        ["marketplace_kind"] = WireNames.Of(InvoiceLineKind.TaxRounding),
                    }));
            }
        }
        return lines;
    }

    private static string Describe(Invoice invoice, InvoiceLine line) => line.Kind switch
    {
        InvoiceLineKind.Usage => $"利用料 / Usage {line.UsagePeriod}: {invoice.OfferingTitle} ({line.Quantity.ToString("N0", CultureInfo.InvariantCulture)} {WireNames.Of(line.Unit)})",
        InvoiceLineKind.FlatFee => $"月額料金 / Flat fee {line.UsagePeriod}: {invoice.OfferingTitle}",
        InvoiceLineKind.Adjustment => $"調整（{line.UsagePeriod}の利用分）/ Adjustment for {line.UsagePeriod}: {invoice.OfferingTitle} ({line.Quantity.ToString("N0", CultureInfo.InvariantCulture)} {WireNames.Of(line.Unit)})",
        InvoiceLineKind.ConnectionFee => $"接続料 / Connection fee {line.UsagePeriod}",
        _ => $"{WireNames.Of(line.Kind)} {line.UsagePeriod}",
    };
}
