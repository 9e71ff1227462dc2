using Marketplace.Billing.Payments;

namespace Marketplace.Billing.Tests.Payments;

public sealed class StripeMoneyMovementTests : StripeRig
{
    private async Task<PaymentInvoice> PaidInvoiceAsync()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        var issued = await Stripe.IssueInvoiceAsync(InvoiceRequest(customer, Line(product, 10_000)), "invoice:1");
        Fake.MarkInvoicePaid(issued.StripeInvoiceId);
        return issued;
    }

    private static PaymentTransfer Payout(string? charge) =>
        new("payout-1", "acct_provider1", 8_000, "JPY", charge, "inv-2026-11-c-1", new Dictionary<string, string> { ["provider"] = "p-1" });

    [Fact]
    public async Task A_transfer_moves_the_share_to_the_connected_account_from_the_invoices_charge()
    {
        await PaidInvoiceAsync();
        var charge = Fake.Invoices.Single().ChargeId;

        var id = await Stripe.TransferAsync(Payout(charge), "payout:1");

        var transfer = Assert.Single(Fake.Transfers);
        Assert.StartsWith("tr_", id, StringComparison.Ordinal);
        Assert.Equal((id, 8_000L, "jpy", "acct_provider1", charge, "inv-2026-11-c-1", "payout-1"),
            (transfer.Id, transfer.Amount, transfer.Currency, transfer.Destination, transfer.SourceTransaction, transfer.TransferGroup, transfer.Metadata["marketplace_payout"]));
    }

    [Fact]
    public async Task A_transfer_made_twice_under_one_key_moves_money_once()
    {
        await Stripe.TransferAsync(Payout(null), "payout:1");
        await Stripe.TransferAsync(Payout(null), "payout:1");

        Assert.Single(Fake.Transfers);
    }

    [Fact]
    public async Task A_transfer_without_connected_accounts_is_refused_before_calling_stripe()
    {
        var stripe = NewProcessor(connectedAccounts: false);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => stripe.TransferAsync(Payout(null), "payout:1"));

        Assert.Contains("ConnectedAccountsEnabled", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Fake.Requests);
    }

    [Fact]
    public async Task A_credit_note_credits_the_invoice_once_under_one_key()
    {
        var invoice = await PaidInvoiceAsync();
        var request = new PaymentCreditNoteRequest(invoice.StripeInvoiceId, "cn-1", 1_100, "Over-billed usage", new Dictionary<string, string>());

        var first = await Stripe.IssueCreditNoteAsync(request, "credit:1");
        var second = await Stripe.IssueCreditNoteAsync(request, "credit:1");

        Assert.Equal(first, second);
        var note = Assert.Single(Fake.CreditNotes);
        Assert.Equal((invoice.StripeInvoiceId, 1_100L, "cn-1"), (note.InvoiceId, note.Amount, note.Metadata["marketplace_credit_note"]));
    }

    [Fact]
    public async Task A_credit_note_beyond_the_invoice_total_is_rejected_with_stripes_reason()
    {
        var invoice = await PaidInvoiceAsync();
        var request = new PaymentCreditNoteRequest(invoice.StripeInvoiceId, "cn-1", invoice.TotalMinor + 1, "Too much", new Dictionary<string, string>());

        var refused = await Assert.ThrowsAsync<PaymentRejectedException>(() => Stripe.IssueCreditNoteAsync(request, "credit:1"));

        Assert.Equal(400, refused.StatusCode);
        Assert.Empty(Fake.CreditNotes);
    }
}
