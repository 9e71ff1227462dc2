using Marketplace.Application;
using Marketplace.Billing.Payments;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Billing.Outbox;

/// <summary>Transfers a provider its share of a paid invoice to its connected account, once.</summary>
public sealed class PayoutWork(GrainReferences grains, IPaymentProcessor processor) : IPaymentWork
{
    public string Kind => PaymentOutbox.PayoutMessage;

    public string? SequenceKey(OutboxMessage message) => null;

    public async Task RunAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var invoiceGrain = grains.Get<IInvoiceGrain>(message.Payload);
        var invoice = await invoiceGrain.Get() ?? throw new PaymentWorkNotReady($"Invoice '{message.Payload}' is not stored.");
        if (invoice.PayoutTransferId is not null)
        {
            return;
        }
        if (invoice.Status != InvoiceStatus.Paid)
        {
            throw new PaymentWorkNotReady($"Invoice '{invoice.Id}' is not paid yet.");
        }
        if (!processor.TransfersEnabled)
        {
            throw new PaymentWorkNotReady("Payouts wait: connected accounts are not enabled (Marketplace:Stripe:ConnectedAccountsEnabled).");
        }
        var profile = await grains.Get<IPartyGrain>(invoice.Provider.Id).GetProfile();
        var account = profile?.Billing?.PayoutAccount
            ?? throw new PaymentWorkNotReady($"Provider '{invoice.Provider.Id}' has no payout account yet.");
        var share = invoice.PayoutMinor;
        if (share <= 0)
        {
            await invoiceGrain.RecordPayout("none");
            return;
        }
        var transfer = await processor.TransferAsync(new PaymentTransfer(
            PaymentOutbox.PayoutIdFor(invoice.Id),
            account,
            share,
            invoice.Currency.Code.ToLowerInvariant(),
            invoice.PaymentChargeId,
            invoice.Id,
            new Dictionary<string, string> { ["marketplace_invoice"] = invoice.Id, ["marketplace_provider"] = invoice.Provider.Id }), message.IdempotencyKey, cancellationToken);
        await invoiceGrain.RecordPayout(transfer);
    }
}
