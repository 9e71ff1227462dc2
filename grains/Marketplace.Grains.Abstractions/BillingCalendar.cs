using Marketplace.Domain;

namespace Marketplace.Grains;

/// <summary>The marketplace's clock and billing time zone: which period an instant belongs to.</summary>
public sealed class BillingCalendar(TimeProvider time, TimeZoneInfo zone)
{
    // The period most recently asked for: nearly every question on the hot path (authorize, meter) names the
    // current month, and answering it from here saves a time-zone conversion per call. A record is immutable and
    // a reference is written atomically, so racing threads at worst compute it twice.
    private BillingPeriod? _recent;

    public TimeProvider Time { get; } = time;

    public TimeZoneInfo Zone { get; } = zone;

    public DateTimeOffset Now => Time.GetUtcNow();

    public BillingPeriod CurrentPeriod() => PeriodOf(Now);

    /// <summary>The billing day an instant falls on: its date in the billing time zone.</summary>
    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    public BillingPeriod PeriodOf(DateTimeOffset instant)
    {
        var recent = _recent;
        if (recent is not null && recent.Contains(instant))
        {
            return recent;
        }
        return _recent = BillingPeriod.Containing(instant, Zone);
    }
}
