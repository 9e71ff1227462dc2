using System.Globalization;
using Marketplace.Application;
using Marketplace.Billing.Payments;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Billing.Outbox;

/// <summary>Sends a credit note against the invoice it credits, once that invoice is at the payment processor.</summary>
public sealed class CreditNotePaymentWork(GrainReferences grains, IPaymentProcessor processor, BillingCalendar calendar) : IPaymentWork
{
    public string Kind => PaymentOutbox.CreditNoteMessage;

    public string? SequenceKey(OutboxMessage message) => null;

    public async Task RunAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var noteGrain = grains.Get<IInvoiceGrain>(message.Payload);
        var note = await noteGrain.Get() ?? throw new PaymentWorkNotReady($"Credit note '{message.Payload}' is not stored yet.");
        if (note.PaymentInvoiceId is not null)
        {
            return;
        }
        var credited = note.CreditsInvoiceId is { } id ? await grains.Get<IInvoiceGrain>(id).Get() : null;
        if (credited?.PaymentInvoiceId is null)
        {
            throw new PaymentWorkNotReady($"Invoice '{note.CreditsInvoiceId}' is not at the payment processor yet; the credit note follows it.");
        }
        var sent = await processor.IssueCreditNoteAsync(new PaymentCreditNoteRequest(
            credited.PaymentInvoiceId,
            note.Id,
            -note.TotalMinor,
            string.Create(CultureInfo.InvariantCulture, $"返還 / Credit {note.Id} for {credited.Id}"),
            new Dictionary<string, string> { ["marketplace_credit_note"] = note.Id, ["marketplace_invoice"] = credited.Id }), message.IdempotencyKey, cancellationToken);
        await noteGrain.RecordPayment(new PaymentNotice(InvoiceStatus.Finalized, calendar.Now, sent.StripeCreditNoteId));
    }
}
