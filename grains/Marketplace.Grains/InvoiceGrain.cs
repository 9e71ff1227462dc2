using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.InvoiceState")]
public sealed class InvoiceState
{
    [Id(0)] public Invoice? Invoice { get; set; }
}

[GrainType("invoice")]
public sealed class InvoiceGrain(
    [PersistentState("invoice", GrainStorage.Name)] IPersistentState<InvoiceState> state,
    IInvoiceIndex index,
    IOutbox outbox,
    BillingCalendar calendar) : Grain, IInvoiceGrain
{
    public async Task<Invoice> Issue(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (invoice.Id != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Invoice '{invoice.Id}' cannot be stored as '{this.GetPrimaryKeyString()}'.", nameof(invoice));
        }
        if (state.State.Invoice is null)
        {
            state.State.Invoice = invoice with { Status = InvoiceStatus.Issued, StatusAt = invoice.IssuedAt };
            await state.WriteStateAsync();
        }
        var stored = state.State.Invoice;
        await index.PutAsync(Entry(stored));
        if (stored.TotalMinor != 0)
        {
            var id = PaymentOutbox.IdFor(stored);
            var now = calendar.Now;
            await outbox.EnqueueAsync(new OutboxMessage(id, PaymentOutbox.KindFor(stored), stored.Id, id, now, now));
        }
        return stored;
    }

    public Task<Invoice?> Get() => Task.FromResult(state.State.Invoice);

    public async Task<Invoice> RecordPayment(PaymentNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var invoice = state.State.Invoice
            ?? throw new DomainException(ErrorCodes.InvoiceNotFound, $"There is no invoice '{this.GetPrimaryKeyString()}'.");
        var moved = Rank(notice.Status) > Rank(invoice.Status)
            || (notice.Status == invoice.Status && invoice.PaymentInvoiceId is null);
        if (!moved)
        {
            return invoice;
        }
        state.State.Invoice = invoice with
        {
            Status = notice.Status,
            StatusAt = notice.At,
            PaymentInvoiceId = notice.PaymentInvoiceId,
            PaymentChargeId = notice.ChargeId ?? invoice.PaymentChargeId,
        };
        await state.WriteStateAsync();
        await index.PutAsync(Entry(state.State.Invoice));
        return state.State.Invoice;
    }

    public async Task<Invoice> RecordPayout(string transferId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transferId);
        var invoice = state.State.Invoice
            ?? throw new DomainException(ErrorCodes.InvoiceNotFound, $"There is no invoice '{this.GetPrimaryKeyString()}'.");
        if (invoice.PayoutTransferId is null)
        {
            state.State.Invoice = invoice with { PayoutTransferId = transferId };
            await state.WriteStateAsync();
        }
        return state.State.Invoice;
    }

    // Paid is final; a failed payment can still be paid; a finalisation notice arriving after either changes nothing.
    private static int Rank(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Issued => 0,
        InvoiceStatus.Finalized => 1,
        InvoiceStatus.PaymentFailed => 2,
        InvoiceStatus.Paid => 3,
        _ => -1,
    };

    private static InvoiceEntry Entry(Invoice i) =>
        new(i.Id, i.Kind.ToString(), i.Period, i.ContractId, i.Buyer.Id, i.Provider.Id, i.Status.ToString(), i.TotalMinor, i.Currency.Code, i.IssuedAt);
}
