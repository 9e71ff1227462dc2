using Marketplace.Billing.Payments;
using Marketplace.StripeFake;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Billing.Tests.Payments;

/// <summary>One fake Stripe server and an adapter pointed at it, per test; a fixed clock shared by both.</summary>
public abstract class StripeRig : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Time { get; } = new(Start);

    protected FakeStripe Fake { get; private set; } = null!;

    protected StripePaymentProcessor Stripe { get; private set; } = null!;

    /// Generous, so a cold start on a busy machine is not a timeout; timeout tests use <see cref="ImpatientProcessor"/>.
    private static readonly TimeSpan PatientTimeout = TimeSpan.FromSeconds(15);

    private readonly List<HttpClient> clients = [];

    public async Task InitializeAsync()
    {
        Fake = await FakeStripe.StartAsync(Time);
        Stripe = NewProcessor();
    }

    public async Task DisposeAsync()
    {
        clients.ForEach(c => c.Dispose());
        await Fake.DisposeAsync();
    }

    /// A second adapter (fresh caches) on the same fake, as after a restart.
    protected StripePaymentProcessor NewProcessor(bool connectedAccounts = true) => Processor(PatientTimeout, connectedAccounts);

    /// An adapter that gives up after half a second, for requests the fake delays by more.
    protected StripePaymentProcessor ImpatientProcessor() => Processor(TimeSpan.FromMilliseconds(500), connectedAccounts: true);

    private StripePaymentProcessor Processor(TimeSpan timeout, bool connectedAccounts)
    {
        var http = new HttpClient { Timeout = timeout };
        clients.Add(http);
        return new StripePaymentProcessor(Options(connectedAccounts), Time, http);
    }

    protected StripeOptions Options(bool connectedAccounts = true) => new()
    {
        ApiKey = FakeStripe.ApiKey,
        WebhookSecret = Fake.WebhookSecret,
        ApiBase = Fake.BaseUrl,
        MeterEventsBase = Fake.BaseUrl,
        ConnectedAccountsEnabled = connectedAccounts,
    };

    protected Task<string> CustomerAsync(string buyer = "buyer-1") =>
        Stripe.EnsureCustomerAsync(new PaymentCustomer(buyer, "Sample City Mobility KK", "billing@example.jp"), "customer:" + buyer);

    protected Task<string> ProductAsync(string offering = "offering-1") =>
        Stripe.EnsureProductAsync(new PaymentProduct(offering, "Bus positions"), "product:" + offering);

    protected static PaymentInvoiceLine Line(string product, long amount, int? rate = 1000) =>
        new(product, $"Usage {amount}", amount, rate, new Dictionary<string, string> { ["contract"] = "c-1" });

    protected static PaymentInvoiceRequest InvoiceRequest(string customer, params PaymentInvoiceLine[] lines) =>
        new("inv-2026-11-c-1", customer, "JPY", lines, "November 2026", new Dictionary<string, string> { ["period"] = "2026-11" }, DaysUntilDue: 30);
}
