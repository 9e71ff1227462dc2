using System.Net;
using Stripe;

namespace Marketplace.Billing.Payments;

/// <summary>Sorts Stripe's errors into what a retry may fix and what it will not.</summary>
internal static class StripeFailure
{
    public static Exception From(StripeException e)
    {
        var status = (int)e.HttpStatusCode;
        var error = e.StripeError;
        var said = error?.Message ?? e.Message;
        if (status == 0)
        {
            // Stripe.net reports network failures without a status.
            return new PaymentUnavailableException($"Stripe could not be reached ({said}); the call will be retried.", null, null, e);
        }

        // A refused key or permission is the operator's to fix; until then the work waits rather than failing for good.
        if (status is (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden)
        {
            return new PaymentUnavailableException(
                $"Stripe refused the API key ({status}: {said}). Check Marketplace:Stripe:ApiKey (a secret key with access to billing and Connect); waiting work resumes once it is right.",
                status, null, e);
        }

        // 409 is a concurrent request under the same idempotency key (or a lock): the first one's answer comes on retry.
        if (status == (int)HttpStatusCode.TooManyRequests || status == (int)HttpStatusCode.Conflict || status >= 500)
        {
            var retryAfter = e.StripeResponse?.Headers?.RetryAfter is { } header
                ? header.Delta ?? (header.Date is { } at ? at - (e.StripeResponse.Date ?? at) : null)
                : null;
            return new PaymentUnavailableException($"Stripe answered {status} ({said}); the call will be retried under the same idempotency key.", status, retryAfter, e);
        }

        return new PaymentRejectedException($"Stripe refused the request ({status} {error?.Type}{(error?.Code is { } code ? "/" + code : "")}): {said}", status, error?.Code, error?.Type, e);
    }
}
