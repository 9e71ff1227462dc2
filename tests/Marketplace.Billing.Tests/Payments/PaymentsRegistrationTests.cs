using Marketplace.Billing.Payments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Billing.Tests.Payments;

public sealed class PaymentsRegistrationTests
{
    private static IPaymentProcessor Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddStripePayments(configuration.GetSection(StripeOptions.SectionName)).BuildServiceProvider();
        return services.GetRequiredService<IPaymentProcessor>();
    }

    [Fact]
    public void Without_an_api_key_billing_is_ledger_only()
    {
        var processor = Resolve([]);

        Assert.IsType<LedgerOnlyPaymentProcessor>(processor);
        Assert.False(processor.IsConfigured);
    }

    [Fact]
    public void With_an_api_key_billing_goes_to_stripe()
    {
        var processor = Resolve(new() { ["Marketplace:Stripe:ApiKey"] = "sk_test_x", ["Marketplace:Stripe:ConnectedAccountsEnabled"] = "true" });

        var stripe = Assert.IsType<StripePaymentProcessor>(processor);
        Assert.True(stripe.IsConfigured && stripe.TransfersEnabled);
    }

    [Fact]
    public async Task The_ledger_only_processor_refuses_every_call_saying_stripe_is_not_configured()
    {
        var ledgerOnly = new LedgerOnlyPaymentProcessor();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ledgerOnly.EnsureCustomerAsync(new PaymentCustomer("b", "B", null), "k"));

        Assert.Equal("Stripe is not configured", refused.Message);
        Assert.Throws<InvalidOperationException>(() => ledgerOnly.ParseWebhook("{}", "t=1,v1=x"));
    }
}
