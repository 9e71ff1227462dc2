using Marketplace.Billing.Payments;

namespace Marketplace.Billing.Tests.Payments;

public sealed class StripeFaultTests : StripeRig
{
    [Fact]
    public async Task A_429_is_unavailable_with_stripes_retry_after()
    {
        Fake.FailNext(1, 429, TimeSpan.FromSeconds(2));

        var unavailable = await Assert.ThrowsAsync<PaymentUnavailableException>(() => CustomerAsync());

        Assert.Equal((429, TimeSpan.FromSeconds(2)), (unavailable.StatusCode, unavailable.RetryAfter));
    }

    [Fact]
    public async Task A_retry_after_a_429_under_the_same_key_has_one_effect()
    {
        Fake.FailNext(1, 429);
        await Assert.ThrowsAsync<PaymentUnavailableException>(() => CustomerAsync());

        await CustomerAsync();

        Assert.Single(Fake.Customers);
    }

    [Fact]
    public async Task A_500_is_unavailable_and_a_retry_under_the_same_key_has_one_effect()
    {
        var customer = await CustomerAsync();
        var meter = await Stripe.EnsureMeterAsync("request", "meter:request");
        var report = new MeterEventReport(meter.EventName, customer, 7, Start, "usage:c-1:d-1");
        Fake.FailNext(1, 500);

        var unavailable = await Assert.ThrowsAsync<PaymentUnavailableException>(() => Stripe.ReportMeterEventAsync(report));
        await Stripe.ReportMeterEventAsync(report);

        Assert.Equal(500, unavailable.StatusCode);
        Assert.Equal(7, Assert.Single(Fake.MeterTotals).Value);
    }

    private static readonly PaymentCustomer Buyer = new("buyer-1", "Sample City Mobility KK", null);

    [Fact]
    public async Task A_timeout_is_unavailable()
    {
        var handled = Fake.DelayNext(TimeSpan.FromSeconds(1.5));

        var unavailable = await Assert.ThrowsAsync<PaymentUnavailableException>(() => ImpatientProcessor().EnsureCustomerAsync(Buyer, "customer:1"));
        await handled;

        Assert.Null(unavailable.StatusCode);
    }

    [Fact]
    public async Task A_retry_after_a_timeout_whose_work_stripe_finished_has_one_effect()
    {
        var handled = Fake.DelayNext(TimeSpan.FromSeconds(1.5));
        await Assert.ThrowsAsync<PaymentUnavailableException>(() => ImpatientProcessor().EnsureCustomerAsync(Buyer, "customer:1"));
        await handled;

        var retried = await Stripe.EnsureCustomerAsync(Buyer, "customer:1");

        Assert.Equal(retried, Assert.Single(Fake.Customers).Id);
    }

    [Fact]
    public async Task The_adapter_never_retries_on_its_own()
    {
        Fake.FailNext(1, 500);

        await Assert.ThrowsAsync<PaymentUnavailableException>(() => CustomerAsync());

        Assert.Single(Fake.Requests);
    }

    [Fact]
    public async Task A_refused_api_key_is_unavailable_with_what_to_fix_so_the_work_waits()
    {
        var options = Options();
        options.ApiKey = "sk_live_not_for_the_fake";

        var unavailable = await Assert.ThrowsAsync<PaymentUnavailableException>(
            () => new StripePaymentProcessor(options, Time).EnsureCustomerAsync(Buyer, "customer:1"));

        Assert.Equal(401, unavailable.StatusCode);
        Assert.Contains("Marketplace:Stripe:ApiKey", unavailable.Message, StringComparison.Ordinal);
    }
}
