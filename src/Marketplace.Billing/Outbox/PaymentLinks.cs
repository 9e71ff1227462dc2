using Marketplace.Application;
using Marketplace.Billing.Payments;
using Marketplace.Grains;

namespace Marketplace.Billing.Outbox;

/// <summary>
/// The payment processor's objects for our buyers (customers), offerings (products) and usage units (meters):
/// created once under an idempotency key named after the thing, and their ids stored (<see cref="IPaymentLinkGrain"/>).
/// </summary>
public sealed class PaymentLinks(GrainReferences grains, IPaymentProcessor processor)
{
    public async Task<string> CustomerAsync(string buyerId, CancellationToken cancellationToken = default)
    {
        var link = grains.Get<IPaymentLinkGrain>(PaymentLinkKeys.Customer(buyerId));
        if (await link.Get() is { } known)
        {
            return known;
        }
        var profile = await grains.Get<IPartyGrain>(buyerId).GetProfile()
            ?? throw new PaymentWorkNotReady($"Buyer '{buyerId}' is not registered.");
        var id = await processor.EnsureCustomerAsync(new PaymentCustomer(buyerId, profile.Name, null), $"customer:{buyerId}", cancellationToken);
        return await link.Set(id);
    }

    public async Task<string> ProductAsync(string offeringId, string title, CancellationToken cancellationToken = default)
    {
        var link = grains.Get<IPaymentLinkGrain>(PaymentLinkKeys.Product(offeringId));
        if (await link.Get() is { } known)
        {
            return known;
        }
        var id = await processor.EnsureProductAsync(new PaymentProduct(offeringId, title), $"product:{offeringId}", cancellationToken);
        return await link.Set(id);
    }

    /// <summary>The meter of a usage unit ("record", "request" or "mib") with its event name.</summary>
    public async Task<PaymentMeter> MeterAsync(string unit, CancellationToken cancellationToken = default)
    {
        var link = grains.Get<IPaymentLinkGrain>(PaymentLinkKeys.Meter(unit));
        var eventName = $"marketplace_{unit}";
        if (await link.Get() is { } known)
        {
            return new PaymentMeter(known, eventName);
        }
        var meter = await processor.EnsureMeterAsync(unit, $"meter:{unit}", cancellationToken);
        return new PaymentMeter(await link.Set(meter.MeterId), meter.EventName);
    }
}
