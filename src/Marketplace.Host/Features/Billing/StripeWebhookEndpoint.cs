using System.Text;
using Marketplace.Billing.Outbox;
using Marketplace.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Billing;

public sealed record WebhookResponse(bool Received, string EventId, string Type, string? InvoiceId, string? Status, bool Changed);

/// <summary>
/// Stripe's webhooks. Open to anyone: what authenticates a delivery is its Stripe-Signature, checked against the
/// endpoint secret with a 300-second tolerance; a bad, stale or missing signature answers 400 and changes nothing.
/// </summary>
public static class StripeWebhookEndpoint
{
    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", ReceiveAsync).WithTags("Billing").WithName("ReceiveStripeWebhook")
            .WithSummary("Stripe's event deliveries (invoice.finalized, invoice.paid, invoice.payment_failed), verified by their Stripe-Signature.")
            .AllowAnonymous().ProducesProblem(400).ProducesProblem(413).DisableAntiforgery();
        return app;
    }

    private static async Task<Ok<WebhookResponse>> ReceiveAsync(HttpContext http, PaymentEvents events)
    {
        if (http.Request.ContentLength > PaymentEvents.MaxBodyBytes)
        {
            throw TooLarge();
        }
        var body = await ReadBoundedAsync(http.Request.Body, http.RequestAborted);
        var outcome = await events.ReceiveAsync(body, http.Request.Headers["Stripe-Signature"].ToString());
        return TypedResults.Ok(new WebhookResponse(true, outcome.EventId, outcome.Type, outcome.InvoiceId, outcome.Status, outcome.Changed));
    }

    private static async Task<string> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > PaymentEvents.MaxBodyBytes)
            {
                throw TooLarge();
            }
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static DomainException TooLarge() =>
        new(ErrorCodes.WebhookTooLarge, $"A webhook body is at most {PaymentEvents.MaxBodyBytes / 1024} KB.");
}
