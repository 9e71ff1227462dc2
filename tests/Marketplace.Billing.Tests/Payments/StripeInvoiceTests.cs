using Marketplace.Billing.Payments;

namespace Marketplace.Billing.Tests.Payments;

public sealed class StripeInvoiceTests : StripeRig
{
    [Fact]
    public async Task An_invoice_with_ten_percent_lines_totals_the_amounts_plus_stripes_per_line_tax()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        long[] amounts = [105, 105, 12_345];

        var issued = await Stripe.IssueInvoiceAsync(InvoiceRequest(customer, [.. amounts.Select(a => Line(product, a))]), "invoice:1");

        var expectedTax = PaymentTaxRounding.StripeTaxFor(amounts, 1000);
        var atStripe = Assert.Single(Fake.Invoices);
        Assert.Equal(amounts.Sum() + expectedTax, atStripe.Total);
        Assert.Equal((atStripe.Total, expectedTax), (issued.TotalMinor, issued.TaxMinor));
    }

    [Fact]
    public async Task A_rounding_adjustment_line_makes_stripes_total_equal_our_once_per_invoice_tax()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        long[] amounts = [105, 105];
        var ourTax = amounts.Sum() * 1000 / 10_000; // floor, once per invoice per rate: 21
        var adjustment = PaymentTaxRounding.AdjustmentFor(amounts, 1000, ourTax);

        var issued = await Stripe.IssueInvoiceAsync(
            InvoiceRequest(customer, Line(product, 105), Line(product, 105), Line(product, adjustment, rate: null)), "invoice:adjusted");

        Assert.Equal(amounts.Sum() + ourTax, issued.TotalMinor);
        Assert.Equal(issued.TotalMinor, Assert.Single(Fake.Invoices).Total);
    }

    [Fact]
    public async Task An_issued_invoice_is_open_numbered_and_carries_our_invoice_id_and_one_jp_tax_rate()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();

        var issued = await Stripe.IssueInvoiceAsync(InvoiceRequest(customer, Line(product, 1000), Line(product, 2000)), "invoice:1");

        var atStripe = Assert.Single(Fake.Invoices);
        Assert.Equal(("open", atStripe.Number), (issued.Status, issued.Number));
        Assert.Equal("inv-2026-11-c-1", atStripe.Metadata["marketplace_invoice"]);
        var rate = Assert.Single(Fake.TaxRates);
        Assert.Equal((10m, false, "JP", "消費税"), (rate.Percentage, rate.Inclusive, rate.Country, rate.DisplayName));
        Assert.All(atStripe.Lines, line => Assert.Equal([rate.Id], line.TaxRateIds));
    }

    [Fact]
    public async Task An_invoice_issued_twice_under_one_key_is_one_invoice_at_stripe()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        var request = InvoiceRequest(customer, Line(product, 1000));

        var first = await Stripe.IssueInvoiceAsync(request, "invoice:1");
        var second = await Stripe.IssueInvoiceAsync(request, "invoice:1");

        Assert.Equal(first, second);
        Assert.Single(Assert.Single(Fake.Invoices).Lines);
    }

    [Fact]
    public async Task An_invoice_that_failed_at_finalising_is_finished_by_a_retry_with_each_line_once()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        var request = InvoiceRequest(customer, Line(product, 1000), Line(product, 2000));
        Fake.FailNext(1, 500, pathEndsWith: "/finalize");

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => Stripe.IssueInvoiceAsync(request, "invoice:1"));
        var issued = await Stripe.IssueInvoiceAsync(request, "invoice:1");

        var atStripe = Assert.Single(Fake.Invoices);
        Assert.Equal(("open", 2), (issued.Status, atStripe.Lines.Count));
    }

    [Fact]
    public async Task A_retry_after_stripe_forgot_the_keys_finds_its_draft_and_adds_no_line_twice()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        var request = InvoiceRequest(customer, Line(product, 1000), Line(product, 2000));
        Fake.FailNext(1, 500, pathEndsWith: "/finalize");
        await Assert.ThrowsAsync<PaymentUnavailableException>(() => Stripe.IssueInvoiceAsync(request, "invoice:1"));

        // Idempotency keys live 24 hours at Stripe; a key it no longer knows is, for it, a new key.
        var issued = await Stripe.IssueInvoiceAsync(request, "invoice:1:after-a-day");

        var atStripe = Assert.Single(Fake.Invoices);
        Assert.Equal(("open", 2), (issued.Status, atStripe.Lines.Count));
    }

    [Fact]
    public async Task Issuing_an_already_finalised_invoice_again_returns_it_unchanged()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        var request = InvoiceRequest(customer, Line(product, 1000));
        var first = await Stripe.IssueInvoiceAsync(request, "invoice:1");
        Fake.MarkInvoicePaid(first.StripeInvoiceId);

        var again = await Stripe.IssueInvoiceAsync(request, "invoice:1:new-key");

        Assert.Equal(("paid", first.StripeInvoiceId), (again.Status, again.StripeInvoiceId));
        Assert.Single(Fake.Invoices);
    }
}
