using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Billing.Outbox;
using Marketplace.Grains;
using Marketplace.Host.Features.Billing;
using Marketplace.Storage;
using Marketplace.StripeFake;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

/// <summary>
/// Invoices through Stripe (the stateful fake, a real HTTP server, with Stripe.net pointed at it): the outbox
/// sweep sends each invoice once with a total equal to ours, webhooks move it forward, and payouts follow.
/// </summary>
public sealed class StripeBillingTests : IAsyncLifetime
{
    private static readonly DateTimeOffset NovemberClosable = new(2026, 11, 30, 16, 0, 0, TimeSpan.Zero);
    private readonly Dictionary<string, string> _settings = new()
    {
        ["Marketplace:Billing:IssuerRegistration"] = "T9999999999999",
        ["Marketplace:Jobs:RunServer"] = "false",
        ["Marketplace:Stripe:ApiKey"] = FakeStripe.ApiKey,
        ["Marketplace:Stripe:ConnectedAccountsEnabled"] = "true",
    };

    private MarketplaceFactory _factory = null!;
    private FakeStripe _stripe = null!;
    private MarketplaceDriver _driver = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _factory = new MarketplaceFactory(settings: _settings);
        _stripe = await FakeStripe.StartAsync(_factory.Time);
        _settings["Marketplace:Stripe:ApiBase"] = _stripe.BaseUrl;
        _settings["Marketplace:Stripe:MeterEventsBase"] = _stripe.BaseUrl;
        _settings["Marketplace:Stripe:WebhookSecret"] = _stripe.WebhookSecret;
        _ = _factory.Server;
        _driver = new MarketplaceDriver(_factory);
        _operator = _factory.ClientWithKey(_factory.OperatorKey);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _stripe.DisposeAsync();
    }

    private PaymentOutboxSweep Sweep => _factory.Services.GetRequiredService<PaymentOutboxSweep>();

    /// <summary>A closed November with one invoice: 15 records at ¥1 for a service app (so a ¥3,000 connection fee).</summary>
    private async Task<(Listing Listing, Party Buyer, string InvoiceId)> ClosedInvoiceAsync()
    {
        var listing = await _driver.ListedOfferingAsync(3, pricing: new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" });
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await SubscribeAsync(buyer, listing.OfferingId, "research");
        await Ok<JsonElement>(await _operator.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/billing", new { serviceApp = true }), HttpStatusCode.OK);
        var report = await listing.Provider.Client.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new[] { new { eventId = Guid.NewGuid().ToString(), contractId = contract.Id, units = 15, occurredAt = _factory.Time.GetUtcNow() } },
        });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        _factory.Time.SetUtcNow(NovemberClosable);
        await Ok<PeriodCloseResponse>(await _operator.PostAsync("/api/v1/billing/periods/2026-11/close", null), HttpStatusCode.OK);
        return (listing, buyer, $"inv-2026-11-{contract.Id}");
    }

    private async Task<InvoiceResponse> InvoiceAsync(string id) =>
        await Ok<InvoiceResponse>(await _operator.GetAsync($"/api/v1/invoices/{id}"), HttpStatusCode.OK);

    private async Task<HttpResponseMessage> DeliverAsync(string type, string stripeInvoiceId, DateTimeOffset? signedAt = null, bool tamper = false, string? secret = null)
    {
        var (json, header) = _stripe.SignWebhook(type, _stripe.InvoiceObject(stripeInvoiceId), signedAt ?? _factory.Time.GetUtcNow(), secret, tamper);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
        return await _factory.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task A_swept_invoice_is_at_stripe_once_with_our_total_to_the_yen_despite_per_line_tax_rounding()
    {
        var (_, _, invoiceId) = await ClosedInvoiceAsync();

        await Sweep.SweepAsync();
        await Sweep.SweepAsync();

        var ours = await InvoiceAsync(invoiceId);
        // Ours: ¥3,015 net, tax once on the sum ¥301. Stripe taxes per line: ¥2 (1.5 rounded) + ¥300, so a −¥1 rounding line.
        Assert.Equal((3_015L, 301L, 3_316L), (ours.NetMinor, ours.TaxMinor, ours.TotalMinor));
        var theirs = Assert.Single(_stripe.Invoices);
        Assert.Equal((ours.TotalMinor, "open"), (theirs.Total, theirs.Status));
        Assert.Equal(("finalized", theirs.Id), (ours.Status, ours.PaymentInvoiceId));
        Assert.Contains(theirs.Lines, l => l.Amount == -1 && l.TaxRateIds.Count == 0);
    }

    [Fact]
    public async Task A_throttled_call_is_retried_later_under_the_same_key_with_one_effect()
    {
        var (_, _, invoiceId) = await ClosedInvoiceAsync();
        _stripe.FailNext(1, 429, TimeSpan.FromSeconds(90));

        var first = await Sweep.SweepAsync();
        var message = await _factory.Services.GetRequiredService<IOutbox>().GetAsync($"payment:{invoiceId}");
        Assert.Equal((1, 0, 1), (first.Retried, first.Done, message!.Attempts));
        Assert.True(message.DueAt >= _factory.Time.GetUtcNow().AddSeconds(90), "waits at least what Retry-After asked");

        _factory.Time.Advance(TimeSpan.FromMinutes(2));
        var second = await Sweep.SweepAsync();

        Assert.Equal(1, second.Done);
        Assert.Single(_stripe.Invoices);
    }

    [Fact]
    public async Task A_signed_paid_webhook_marks_the_invoice_paid_and_the_provider_is_paid_out_once()
    {
        var (listing, _, invoiceId) = await ClosedInvoiceAsync();
        await Ok<JsonElement>(await listing.Provider.Client.PutAsJsonAsync($"/api/v1/parties/{listing.Provider.Id}/billing", new { payoutAccount = "acct_1ProviderFake" }), HttpStatusCode.OK);
        await Sweep.SweepAsync();
        var stripeId = (await InvoiceAsync(invoiceId)).PaymentInvoiceId!;
        _stripe.MarkInvoicePaid(stripeId);

        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync("invoice.paid", stripeId)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync("invoice.paid", stripeId)).StatusCode); // a repeated delivery
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync("invoice.finalized", stripeId)).StatusCode); // late, out of order
        await Sweep.SweepAsync();
        await Sweep.SweepAsync();

        var invoice = await InvoiceAsync(invoiceId);
        Assert.Equal("paid", invoice.Status);
        var transfer = Assert.Single(_stripe.Transfers);
        var providerShare = invoice.Shares.Single(s => s.Kind == "provider").AmountMinor;
        Assert.Equal((providerShare, "acct_1ProviderFake"), (transfer.Amount, transfer.Destination));
        var statements = await Ok<StatementListResponse>(await listing.Provider.Client.GetAsync("/api/v1/billing/periods/2026-11/statements"), HttpStatusCode.OK);
        var statement = Assert.Single(statements.Items);
        Assert.Equal((providerShare, transfer.Id), (statement.PaidOutMinor, Assert.Single(statement.Lines).PayoutTransferId));
    }

    [Fact]
    public async Task Tampered_stale_and_foreign_signatures_are_refused_and_change_nothing()
    {
        var (_, _, invoiceId) = await ClosedInvoiceAsync();
        await Sweep.SweepAsync();
        var stripeId = (await InvoiceAsync(invoiceId)).PaymentInvoiceId!;
        _stripe.MarkInvoicePaid(stripeId);

        await Problem(await DeliverAsync("invoice.paid", stripeId, tamper: true), HttpStatusCode.BadRequest);
        await Problem(await DeliverAsync("invoice.paid", stripeId, signedAt: _factory.Time.GetUtcNow().AddSeconds(-301)), HttpStatusCode.BadRequest);
        await Problem(await DeliverAsync("invoice.paid", stripeId, secret: "whsec_someone_else"), HttpStatusCode.BadRequest);

        Assert.Equal("finalized", (await InvoiceAsync(invoiceId)).Status);
    }

    [Fact]
    public async Task A_failed_payment_then_a_payment_ends_paid_whatever_order_the_notices_arrive_in()
    {
        var (_, _, invoiceId) = await ClosedInvoiceAsync();
        await Sweep.SweepAsync();
        var stripeId = (await InvoiceAsync(invoiceId)).PaymentInvoiceId!;

        await DeliverAsync("invoice.payment_failed", stripeId);
        Assert.Equal("payment-failed", (await InvoiceAsync(invoiceId)).Status);
        _stripe.MarkInvoicePaid(stripeId);
        await DeliverAsync("invoice.paid", stripeId);
        await DeliverAsync("invoice.payment_failed", stripeId);

        Assert.Equal("paid", (await InvoiceAsync(invoiceId)).Status);
    }
}

/// <summary>Without a Stripe key (the default run) billing is ledger-only: invoices are stored and payment work waits.</summary>
public sealed class LedgerOnlyBillingTests : IAsyncLifetime
{
    private readonly MarketplaceFactory _factory = new(settings: new Dictionary<string, string> { ["Marketplace:Jobs:RunServer"] = "false" });

    public Task InitializeAsync()
    {
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Payment_work_waits_and_webhooks_are_refused()
    {
        var driver = new MarketplaceDriver(_factory);
        var listing = await driver.ListedOfferingAsync(3, pricing: new { model = "flat", currency = "JPY", amount = 1_000 });
        var buyer = await driver.CreatePartyAsync("buyer");
        var contract = await SubscribeAsync(buyer, listing.OfferingId, "research");
        _factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero));
        await Ok<PeriodCloseResponse>(await _factory.ClientWithKey(_factory.OperatorKey).PostAsync("/api/v1/billing/periods/2026-11/close", null), HttpStatusCode.OK);

        var sweep = await _factory.Services.GetRequiredService<PaymentOutboxSweep>().SweepAsync();

        Assert.True(sweep.LedgerOnly);
        var waiting = await _factory.Services.GetRequiredService<IOutbox>().GetAsync($"payment:inv-2026-11-{contract.Id}");
        Assert.Equal((OutboxStatus.Pending, 0), (waiting!.Status, waiting.Attempts));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", "t=1,v1=00");
        await Problem(await _factory.CreateClient().SendAsync(request), HttpStatusCode.BadRequest);
    }
}
