using Stripe;

namespace Marketplace.Billing.Payments;

/// <summary>Verifies and maps one webhook delivery; the clock is ours so tests can fix it.</summary>
internal static class StripeWebhook
{
    public const long ToleranceSeconds = 300;

    public static PaymentWebhookEvent Parse(string json, string signatureHeader, string? secret, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new PaymentWebhookRejected("No webhook signing secret is configured: set Marketplace:Stripe:WebhookSecret to the endpoint's whsec_… secret.");
        }

        if (string.IsNullOrWhiteSpace(json) || string.IsNullOrWhiteSpace(signatureHeader))
        {
            throw new PaymentWebhookRejected("The webhook has no body or no Stripe-Signature header.");
        }

        Event stripeEvent;
        try
        {
            // Events are rendered in the endpoint's API version, which may differ from the one Stripe.net pins.
            stripeEvent = EventUtility.ConstructEvent(
                json, signatureHeader, secret, ToleranceSeconds, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException e)
        {
            throw new PaymentWebhookRejected($"The webhook's signature was not accepted ({e.Message}). Check that Marketplace:Stripe:WebhookSecret is this endpoint's secret and that the server clock is right.", e);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or Newtonsoft.Json.JsonException)
        {
            throw new PaymentWebhookRejected($"The webhook's body is not a Stripe event: {e.Message}", e);
        }

        if (stripeEvent?.Id is null || stripeEvent.Type is null)
        {
            throw new PaymentWebhookRejected("The webhook's body is not a Stripe event: it has no id or type.");
        }

        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        if (stripeEvent.Data?.Object is Invoice invoice)
        {
            string? ours = null;
            invoice.Metadata?.TryGetValue(StripePaymentProcessor.InvoiceMetadataKey, out ours);
            var charge = invoice.Payments?.Data?.Select(p => p.Payment?.ChargeId).FirstOrDefault(id => id is not null);
            return new PaymentWebhookEvent(stripeEvent.Id, stripeEvent.Type, created, invoice.Id, ours, invoice.Status, invoice.AmountPaid, charge);
        }

        return new PaymentWebhookEvent(stripeEvent.Id, stripeEvent.Type, created, null, null, null, null, null);
    }
}
