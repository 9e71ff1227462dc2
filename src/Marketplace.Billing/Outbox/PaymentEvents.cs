using Marketplace.Application;
using Marketplace.Billing.Payments;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Billing.Outbox;

/// <summary>What a webhook delivery did: the invoice it moved, or why it changed nothing.</summary>
public sealed record PaymentEventOutcome(string EventId, string Type, string? InvoiceId, string? Status, bool Changed);

/// <summary>
/// Applies the payment processor's notices (webhooks) to our invoices. Repeated and out-of-order deliveries are
/// harmless: an invoice's status only moves forward. A paid invoice whose provider has a payout account queues the
/// provider's transfer (idempotent by invoice).
/// </summary>
public sealed class PaymentEvents(IPaymentProcessor processor, GrainReferences grains, IOutbox outbox, BillingCalendar calendar)
{
    /// <summary>The largest webhook body read; Stripe's events are a few kilobytes.</summary>
    public const int MaxBodyBytes = 512 * 1024;

    public async Task<PaymentEventOutcome> ReceiveAsync(string body, string? signature)
    {
        if (!processor.IsConfigured)
        {
            throw new DomainException(ErrorCodes.WebhookRejected, "Stripe is not configured on this marketplace (Marketplace:Stripe:ApiKey and WebhookSecret); no webhook is accepted.");
        }
        PaymentWebhookEvent notice;
        try
        {
            notice = processor.ParseWebhook(body, signature ?? "");
        }
        catch (PaymentWebhookRejected e)
        {
            throw new DomainException(ErrorCodes.WebhookRejected, e.Message);
        }
        var status = notice.Type switch
        {
            "invoice.finalized" => InvoiceStatus.Finalized,
            "invoice.paid" => InvoiceStatus.Paid,
            "invoice.payment_failed" => InvoiceStatus.PaymentFailed,
            _ => (InvoiceStatus?)null,
        };
        if (status is null || notice.InvoiceId is null || notice.StripeInvoiceId is null || !Identifiers.IsValidSlug(notice.InvoiceId))
        {
            return new PaymentEventOutcome(notice.EventId, notice.Type, notice.InvoiceId, null, false);
        }
        var grain = grains.Get<IInvoiceGrain>(notice.InvoiceId);
        var before = await grain.Get();
        if (before is null || (before.PaymentInvoiceId is not null && before.PaymentInvoiceId != notice.StripeInvoiceId))
        {
            // Not ours, or another processor invoice than the one we sent: acknowledged, changes nothing.
            return new PaymentEventOutcome(notice.EventId, notice.Type, notice.InvoiceId, before is null ? null : WireNames.Of(before.Status), false);
        }
        var after = await grain.RecordPayment(new PaymentNotice(status.Value, notice.Created, notice.StripeInvoiceId, notice.ChargeId));
        if (after.Status == InvoiceStatus.Paid && after.PayoutMinor > 0
            && (await grains.Get<IPartyGrain>(after.Provider.Id).GetProfile())?.Billing?.PayoutAccount is not null)
        {
            var id = PaymentOutbox.PayoutIdFor(after.Id);
            var now = calendar.Now;
            await outbox.EnqueueAsync(new OutboxMessage(id, PaymentOutbox.PayoutMessage, after.Id, id, now, now));
        }
        return new PaymentEventOutcome(notice.EventId, notice.Type, after.Id, WireNames.Of(after.Status), after != before);
    }
}
