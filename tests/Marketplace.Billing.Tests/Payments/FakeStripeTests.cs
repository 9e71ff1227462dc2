using System.Net;
using Marketplace.Billing.Payments;
using Marketplace.StripeFake;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.Billing.Tests.Payments;

/// <summary>The fake's own controls, which the billing tests rely on to inject drift.</summary>
public sealed class FakeStripeTests : StripeRig
{
    private async Task<(string Customer, PaymentMeter Meter)> MeterAsync()
    {
        var customer = await CustomerAsync();
        return (customer, await Stripe.EnsureMeterAsync("record", "meter:record"));
    }

    [Fact]
    public async Task Dropped_meter_events_are_accepted_and_not_counted()
    {
        var (customer, meter) = await MeterAsync();
        Fake.DropMeterEvents(true);

        await Stripe.ReportMeterEventAsync(new MeterEventReport(meter.EventName, customer, 5, Start, "u:1"));

        Assert.Empty(Fake.MeterTotals);
    }

    [Fact]
    public async Task A_duplicated_meter_event_is_counted_twice()
    {
        var (customer, meter) = await MeterAsync();
        Fake.DuplicateNextMeterEvent();

        await Stripe.ReportMeterEventAsync(new MeterEventReport(meter.EventName, customer, 5, Start, "u:1"));

        Assert.Equal(10, Assert.Single(Fake.MeterTotals).Value);
    }

    [Fact]
    public async Task A_meter_event_more_than_five_minutes_ahead_is_rejected()
    {
        var (customer, meter) = await MeterAsync();

        await Assert.ThrowsAsync<PaymentRejectedException>(
            () => Stripe.ReportMeterEventAsync(new MeterEventReport(meter.EventName, customer, 5, Start.AddMinutes(6), "u:1")));
    }

    [Fact]
    public async Task A_repeated_identifier_under_a_new_idempotency_key_is_accepted_and_not_counted()
    {
        var (customer, meter) = await MeterAsync();
        await Stripe.ReportMeterEventAsync(new MeterEventReport(meter.EventName, customer, 5, Start, "u:1"));

        // Bypass the adapter, whose idempotency key is the identifier, to reach the identifier rule itself.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Fake.BaseUrl + "/v1/billing/meter_events")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["event_name"] = meter.EventName, ["identifier"] = "u:1", ["payload[stripe_customer_id]"] = customer, ["payload[value]"] = "5",
            }),
        };
        request.Headers.Authorization = new("Bearer", FakeStripe.ApiKey);
        request.Headers.Add("Idempotency-Key", "another-key");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, Assert.Single(Fake.MeterTotals).Value);
    }

    [Fact]
    public async Task The_request_log_shows_every_post_with_its_idempotency_key()
    {
        await CustomerAsync();
        await CustomerAsync();

        Assert.Equal([("customer:buyer-1", false), ("customer:buyer-1", true)], Fake.Requests.Select(r => (r.IdempotencyKey, r.Replayed)));
    }

    [Fact]
    public async Task A_webhook_sent_to_a_receiver_arrives_signed_so_the_adapter_accepts_it()
    {
        var customer = await CustomerAsync();
        var product = await ProductAsync();
        var invoice = await Stripe.IssueInvoiceAsync(InvoiceRequest(customer, Line(product, 100)), "invoice:1");
        await using var receiver = await ReceiverAsync();

        var good = await Fake.SendWebhookAsync(receiver.Url, "invoice.finalized", Fake.InvoiceObject(invoice.StripeInvoiceId));
        var tampered = await Fake.SendWebhookAsync(receiver.Url, "invoice.finalized", Fake.InvoiceObject(invoice.StripeInvoiceId), tamper: true);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest), (good, tampered));
        Assert.Equal(["inv-2026-11-c-1"], receiver.Received.Select(e => e.InvoiceId));
    }

    private async Task<Receiver> ReceiverAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.MapPost("/webhooks/stripe", async (HttpRequest request) =>
        {
            var json = await new StreamReader(request.Body).ReadToEndAsync();
            try
            {
                receiver.Received.Add(Stripe.ParseWebhook(json, request.Headers["Stripe-Signature"].ToString()));
                return Results.Ok();
            }
            catch (PaymentWebhookRejected)
            {
                return Results.BadRequest();
            }
        });
        await app.StartAsync();
        return receiver;
    }

    private sealed class Receiver(WebApplication app) : IAsyncDisposable
    {
        public List<PaymentWebhookEvent> Received { get; } = [];

        public Uri Url => new(app.Urls.First() + "/webhooks/stripe");

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
