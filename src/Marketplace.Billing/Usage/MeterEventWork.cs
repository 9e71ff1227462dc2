using Marketplace.Billing.Outbox;
using Marketplace.Billing.Payments;
using Marketplace.Storage;

namespace Marketplace.Billing.Usage;

/// <summary>
/// Sends one meter event: the buyer's customer and the unit's meter (created once, ids stored), then the event
/// under the report's identifier, which the processor deduplicates and which is also the idempotency key.
/// </summary>
public sealed class MeterEventWork(PaymentLinks links, IPaymentProcessor processor) : IPaymentWork
{
    public string Kind => MeterEventMessages.Kind;

    /// <summary>The processor takes one call at a time per customer and meter.</summary>
    public string? SequenceKey(OutboxMessage message)
    {
        var payload = MeterEventMessages.Parse(message);
        return $"meter:{payload.BuyerId}:{payload.Unit}";
    }

    public async Task RunAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var payload = MeterEventMessages.Parse(message);
        var customer = await links.CustomerAsync(payload.BuyerId, cancellationToken);
        var meter = await links.MeterAsync(payload.Unit, cancellationToken);
        await processor.ReportMeterEventAsync(
            new MeterEventReport(meter.EventName, customer, payload.Value, payload.Timestamp, payload.Identifier), cancellationToken);
    }
}
