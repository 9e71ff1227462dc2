using Marketplace.Billing.Payments;

namespace Marketplace.Billing.Tests.Payments;

public sealed class StripeWebhookTests : StripeRig
{
    private async Task<string> IssuedInvoiceAsync()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        return (await Stripe.IssueInvoiceAsync(InvoiceRequest(customer, Line(product, 10_000)), "invoice:1")).StripeInvoiceId;
    }

    [Fact]
    public async Task A_signed_invoice_paid_event_maps_to_our_invoice_with_amount_and_charge()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var paid = Fake.MarkInvoicePaid(stripeInvoice);
        var (json, header) = Fake.SignWebhook("invoice.paid", Fake.InvoiceObject(stripeInvoice));

        var parsed = Stripe.ParseWebhook(json, header);

        Assert.Equal(
            ("invoice.paid", stripeInvoice, "inv-2026-11-c-1", "paid", (long?)11_000, paid.ChargeId, Start),
            (parsed.Type, parsed.StripeInvoiceId, parsed.InvoiceId, parsed.Status, parsed.AmountPaidMinor, parsed.ChargeId, parsed.Created));
        Assert.StartsWith("evt_", parsed.EventId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invoice_finalized_event_maps_to_our_open_invoice()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.finalized", Fake.InvoiceObject(stripeInvoice));

        var parsed = Stripe.ParseWebhook(json, header);

        Assert.Equal(("invoice.finalized", "inv-2026-11-c-1", "open", (string?)null), (parsed.Type, parsed.InvoiceId, parsed.Status, parsed.ChargeId));
    }

    [Fact]
    public async Task An_invoice_payment_failed_event_maps_to_our_invoice_with_nothing_paid()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.payment_failed", Fake.InvoiceObject(stripeInvoice));

        var parsed = Stripe.ParseWebhook(json, header);

        Assert.Equal(("invoice.payment_failed", "inv-2026-11-c-1", (long?)0), (parsed.Type, parsed.InvoiceId, parsed.AmountPaidMinor));
    }

    [Fact]
    public async Task A_body_altered_after_signing_is_rejected()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.paid", Fake.InvoiceObject(stripeInvoice), tamper: true);

        var rejected = Assert.Throws<PaymentWebhookRejected>(() => Stripe.ParseWebhook(json, header));

        Assert.Contains("WebhookSecret", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signature_301_seconds_old_is_rejected()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.paid", Fake.InvoiceObject(stripeInvoice), signedAt: Start.AddSeconds(-301));

        Assert.Throws<PaymentWebhookRejected>(() => Stripe.ParseWebhook(json, header));
    }

    [Fact]
    public async Task A_signature_300_seconds_old_is_still_accepted()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.paid", Fake.InvoiceObject(stripeInvoice), signedAt: Start.AddSeconds(-300));

        Assert.Equal("invoice.paid", Stripe.ParseWebhook(json, header).Type);
    }

    [Fact]
    public async Task A_delivery_checked_after_the_clock_moved_past_the_tolerance_is_rejected()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.paid", Fake.InvoiceObject(stripeInvoice));

        Time.Advance(TimeSpan.FromSeconds(301));

        Assert.Throws<PaymentWebhookRejected>(() => Stripe.ParseWebhook(json, header));
    }

    [Fact]
    public async Task A_signature_made_with_another_secret_is_rejected()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.paid", Fake.InvoiceObject(stripeInvoice), secretOverride: "whsec_someone_else");

        Assert.Throws<PaymentWebhookRejected>(() => Stripe.ParseWebhook(json, header));
    }

    [Fact]
    public async Task A_replayed_delivery_parses_to_the_same_event_and_deduplication_is_the_callers()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.paid", Fake.InvoiceObject(stripeInvoice));

        var first = Stripe.ParseWebhook(json, header);
        var replayed = Stripe.ParseWebhook(json, header);

        Assert.Equal(first, replayed);
    }

    [Fact]
    public void A_signed_body_that_is_not_json_is_rejected()
    {
        const string body = "not json at all";
        var header = global::Stripe.EventUtility.GenerateSignatureHeader(body, Fake.WebhookSecret, Start.ToUnixTimeSeconds());

        var rejected = Assert.Throws<PaymentWebhookRejected>(() => Stripe.ParseWebhook(body, header));

        Assert.Contains("not a Stripe event", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delivery_without_a_signature_header_is_rejected()
    {
        Assert.Throws<PaymentWebhookRejected>(() => Stripe.ParseWebhook("{}", ""));
    }

    [Fact]
    public async Task Without_a_webhook_secret_every_delivery_is_rejected_with_what_to_set()
    {
        var stripeInvoice = await IssuedInvoiceAsync();
        var (json, header) = Fake.SignWebhook("invoice.paid", Fake.InvoiceObject(stripeInvoice));
        var options = Options();
        options.WebhookSecret = null;

        var rejected = Assert.Throws<PaymentWebhookRejected>(() => new StripePaymentProcessor(options, Time).ParseWebhook(json, header));

        Assert.Contains("Marketplace:Stripe:WebhookSecret", rejected.Message, StringComparison.Ordinal);
    }
}
