namespace Marketplace.Billing.Payments;

/// <summary>Bound from configuration section <see cref="SectionName"/>. Without <see cref="ApiKey"/> billing runs ledger-only.</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Marketplace:Stripe";

    /// A secret key (sk_test_… for test mode). Null or blank: ledger-only.
    public string? ApiKey { get; set; }

    /// The webhook endpoint's signing secret (whsec_…).
    public string? WebhookSecret { get; set; }

    /// Overrides https://api.stripe.com (tests point it at the fake).
    public string? ApiBase { get; set; }

    /// Overrides https://meter-events.stripe.com (tests point it at the fake).
    public string? MeterEventsBase { get; set; }

    /// The account has Connect and providers have connected accounts: payouts become transfers.
    public bool ConnectedAccountsEnabled { get; set; }

    /// Per-request timeout; a timeout is reported as <see cref="PaymentUnavailableException"/> and retried by the outbox.
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
