using Marketplace.Domain;

namespace Marketplace.Grains;

/// <summary>The marketplace's clock and billing time zone: which period an instant belongs to.</summary>
public sealed class BillingCalendar(TimeProvider time, TimeZoneInfo zone)
{
    public TimeProvider Time { get; } = time;

    public TimeZoneInfo Zone { get; } = zone;

    public DateTimeOffset Now => Time.GetUtcNow();

    public BillingPeriod CurrentPeriod() => BillingPeriod.Containing(Now, Zone);

    public BillingPeriod PeriodOf(DateTimeOffset instant) => BillingPeriod.Containing(instant, Zone);
}
