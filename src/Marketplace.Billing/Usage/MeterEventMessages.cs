using System.Text.Json;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Billing.Usage;

/// <summary>What a meter-event outbox message carries: one report of a contract's billing day, under its identifier.</summary>
public sealed record MeterEventPayload(string ContractId, string BuyerId, string Unit, DateOnly Day, long Value, DateTimeOffset Timestamp, string Identifier);

/// <summary>The outbox messages that carry usage to the payment processor's meters (kind <see cref="Kind"/>).</summary>
public static class MeterEventMessages
{
    public const string Kind = "payment.meter-event";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The message of a report: its id and idempotency key are the report's identifier, so writing it again is harmless.</summary>
    public static OutboxMessage For(MeterEventPayload payload, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new OutboxMessage(payload.Identifier, Kind, JsonSerializer.Serialize(payload, Json), payload.Identifier, now, now);
    }

    public static MeterEventPayload Parse(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return JsonSerializer.Deserialize<MeterEventPayload>(message.Payload, Json)
            ?? throw new InvalidOperationException($"Outbox message '{message.Id}' carries no meter event.");
    }

    /// <summary>The unit's name at the payment processor ("record", "request", "mib").</summary>
    public static string UnitName(Marketplace.Domain.UsageUnit unit) => unit.ToString().ToLowerInvariant();

    /// <summary>
    /// When a billing day's usage is dated at the payment processor: noon of that day in the billing zone. The
    /// processor sums meter events per UTC day; noon's UTC date is the billing day's date in any zone within
    /// twelve hours of UTC (12:00 JST is 03:00 UTC), so its day totals and ours are the same days.
    /// </summary>
    public static DateTimeOffset TimestampOf(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var noon = day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Unspecified);
        return new DateTimeOffset(noon, zone.GetUtcOffset(noon)).ToUniversalTime();
    }

    /// <summary>The billing day a processor's UTC day summary stands for (see <see cref="TimestampOf"/>).</summary>
    public static DateOnly DayOfSummary(DateTimeOffset start) => DateOnly.FromDateTime(start.UtcDateTime);

    public static MeterEventPayload PayloadOf(ContractView contract, MeterReport report, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(report);
        return new MeterEventPayload(contract.Id, contract.BuyerId, UnitName(contract.Terms.Pricing.Unit), report.Day, report.Units,
            TimestampOf(report.Day, zone), report.Identifier);
    }
}
