using Marketplace.Billing.Payments;

namespace Marketplace.Billing.Tests.Payments;

public sealed class StripeObjectTests : StripeRig
{
    [Fact]
    public async Task A_customer_ensured_twice_under_one_key_is_one_customer()
    {
        var first = await CustomerAsync();
        var second = await CustomerAsync();

        Assert.Equal(first, second);
        var customer = Assert.Single(Fake.Customers);
        Assert.Equal("buyer-1", customer.Metadata["marketplace_buyer"]);
    }

    [Fact]
    public async Task A_product_ensured_twice_under_one_key_is_one_product()
    {
        var first = await ProductAsync();
        var second = await ProductAsync();

        Assert.Equal(first, second);
        Assert.StartsWith("prod_", first, StringComparison.Ordinal);
        Assert.Equal("offering-1", Assert.Single(Fake.Products).Metadata["marketplace_offering"]);
    }

    [Fact]
    public async Task A_meter_is_a_sum_over_marketplace_unit_events_mapped_by_stripe_customer_id()
    {
        var meter = await Stripe.EnsureMeterAsync("record", "meter:record");

        Assert.Equal("marketplace_record", meter.EventName);
        var stored = Assert.Single(Fake.Meters);
        Assert.Equal((meter.MeterId, "sum", "stripe_customer_id"), (stored.Id, stored.Formula, stored.CustomerPayloadKey));
    }

    [Fact]
    public async Task A_meter_ensured_again_after_a_restart_under_another_key_is_the_same_meter()
    {
        var first = await Stripe.EnsureMeterAsync("request", "meter:request:1");

        var second = await NewProcessor().EnsureMeterAsync("request", "meter:request:2");

        Assert.Equal(first, second);
        Assert.Single(Fake.Meters);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_other_parameters_is_rejected_with_stripes_reason()
    {
        await Stripe.EnsureCustomerAsync(new PaymentCustomer("buyer-1", "First name", null), "customer:reused");

        var refused = await Assert.ThrowsAsync<PaymentRejectedException>(
            () => Stripe.EnsureCustomerAsync(new PaymentCustomer("buyer-1", "Other name", null), "customer:reused"));

        Assert.Equal("idempotency_error", refused.StripeType);
        Assert.Contains("same parameters", refused.Message, StringComparison.Ordinal);
    }
}
