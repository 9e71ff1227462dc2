using Marketplace.Domain;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Grains.Tests;

public sealed class BillingCalendarTests
{
    private static readonly DateTimeOffset NovemberEnd = new(2026, 11, 30, 15, 0, 0, TimeSpan.Zero); // 2026-12-01 00:00 in Tokyo

    [Fact]
    public void The_period_remembered_for_speed_never_answers_for_an_instant_outside_it()
    {
        var calendar = new BillingCalendar(new FakeTimeProvider(NovemberEnd.AddHours(-1)), BillingPeriod.DefaultZone);

        var before = calendar.PeriodOf(NovemberEnd.AddTicks(-1)).Id;
        var at = calendar.PeriodOf(NovemberEnd).Id;
        var backAgain = calendar.PeriodOf(NovemberEnd.AddTicks(-1)).Id;

        Assert.Equal(("2026-11", "2026-12", "2026-11"), (before, at, backAgain));
    }

    [Fact]
    public void A_billing_day_begins_at_midnight_in_the_billing_time_zone_not_in_utc()
    {
        var calendar = new BillingCalendar(new FakeTimeProvider(NovemberEnd), BillingPeriod.DefaultZone);

        Assert.Equal(new DateOnly(2026, 11, 30), calendar.DayOf(NovemberEnd.AddTicks(-1)));
        Assert.Equal(new DateOnly(2026, 12, 1), calendar.DayOf(NovemberEnd));
    }

    [Fact]
    public void The_current_period_follows_the_clock_across_a_month_end()
    {
        var clock = new FakeTimeProvider(NovemberEnd.AddMinutes(-1));
        var calendar = new BillingCalendar(clock, BillingPeriod.DefaultZone);

        var november = calendar.CurrentPeriod().Id;
        clock.Advance(TimeSpan.FromMinutes(1));
        var december = calendar.CurrentPeriod().Id;

        Assert.Equal(("2026-11", "2026-12"), (november, december));
    }
}
