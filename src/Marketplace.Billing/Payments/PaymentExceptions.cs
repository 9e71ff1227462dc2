namespace Marketplace.Billing.Payments;

/// <summary>The processor could not be reached or asked us to slow down (429, 5xx, timeout, network): retry later under the same idempotency key.</summary>
public sealed class PaymentUnavailableException : Exception
{
    public PaymentUnavailableException() : this("The payment processor is unavailable; try again later.") { }

    public PaymentUnavailableException(string message) : base(message) { }

    public PaymentUnavailableException(string message, Exception innerException) : base(message, innerException) { }

    public PaymentUnavailableException(string message, int? statusCode, TimeSpan? retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// The HTTP status Stripe answered, or null for a timeout or a network failure.
    public int? StatusCode { get; }

    /// Stripe's Retry-After, when it sent one; the caller's backoff should wait at least this long.
    public TimeSpan? RetryAfter { get; }
}

/// <summary>The processor refused the request (4xx: invalid, card declined, idempotency key reused with other parameters): retrying the same request will not help.</summary>
public sealed class PaymentRejectedException : Exception
{
    public PaymentRejectedException() : this("The payment processor refused the request.") { }

    public PaymentRejectedException(string message) : base(message) { }

    public PaymentRejectedException(string message, Exception innerException) : base(message, innerException) { }

    public PaymentRejectedException(string message, int statusCode, string? stripeCode, string? stripeType, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        StripeCode = stripeCode;
        StripeType = stripeType;
    }

    public int? StatusCode { get; }

    /// Stripe's error code, e.g. "resource_missing", "card_declined".
    public string? StripeCode { get; }

    /// Stripe's error type, e.g. "invalid_request_error", "idempotency_error", "card_error".
    public string? StripeType { get; }
}

/// <summary>A webhook delivery that must not be acted on: bad, stale or tampered signature, or a body that is not a Stripe event. Answer 400.</summary>
public sealed class PaymentWebhookRejected : Exception
{
    public PaymentWebhookRejected() : this("The webhook was rejected.") { }

    public PaymentWebhookRejected(string message) : base(message) { }

    public PaymentWebhookRejected(string message, Exception innerException) : base(message, innerException) { }
}
