using Marketplace.Billing.Payments;

namespace Marketplace.Billing.Tests.Payments;

public sealed class StripeMeterTests : StripeRig
{
    [Fact]
    public async Task A_meter_event_reported_twice_is_counted_once()
    {
        var customer = await CustomerAsync();
        var meter = await Stripe.EnsureMeterAsync("record", "meter:record");
        var report = new MeterEventReport(meter.EventName, customer, 42, Start.AddHours(-3), "usage:c-1:2026-11-30");

        await Stripe.ReportMeterEventAsync(report);
        await Stripe.ReportMeterEventAsync(report);

        var total = Assert.Single(Fake.MeterTotals);
        Assert.Equal(42, total.Value);
    }

    [Fact]
    public async Task A_meter_event_older_than_35_days_is_rejected_with_stripes_reason()
    {
        var customer = await CustomerAsync();
        var meter = await Stripe.EnsureMeterAsync("record", "meter:record");

        var refused = await Assert.ThrowsAsync<PaymentRejectedException>(() => Stripe.ReportMeterEventAsync(
            new MeterEventReport(meter.EventName, customer, 1, Start.AddDays(-36), "usage:late")));

        Assert.Contains("35", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Fake.MeterEvents);
    }

    [Fact]
    public async Task Summaries_come_back_per_day_across_pages()
    {
        var customer = await CustomerAsync();
        var meter = await Stripe.EnsureMeterAsync("mib", "meter:mib");
        var firstDay = new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);
        for (var day = 0; day < 12; day++)
        {
            // Two events a day, the second late in the day, so a day's sum is not one event.
            await Stripe.ReportMeterEventAsync(new MeterEventReport(meter.EventName, customer, day + 1, firstDay.AddDays(day).AddHours(1), $"u:{day}:a"));
            await Stripe.ReportMeterEventAsync(new MeterEventReport(meter.EventName, customer, 100, firstDay.AddDays(day).AddHours(23), $"u:{day}:b"));
        }

        var days = await Stripe.ReadMeterSummariesAsync(meter.MeterId, customer, firstDay, firstDay.AddDays(12));

        Assert.Equal(12, days.Count); // more than Stripe's default page of 10
        Assert.Equal(Enumerable.Range(0, 12).Select(d => new MeterDaySummary(firstDay.AddDays(d), firstDay.AddDays(d + 1), d + 1 + 100)), days);
    }

    [Fact]
    public async Task Day_summaries_for_a_window_that_is_not_whole_utc_days_are_rejected()
    {
        var customer = await CustomerAsync();
        var meter = await Stripe.EnsureMeterAsync("mib", "meter:mib");
        // Midnight in Japan is 15:00 UTC: Stripe's day windows are UTC days.
        var tokyoMidnight = new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.FromHours(9));

        await Assert.ThrowsAsync<PaymentRejectedException>(
            () => Stripe.ReadMeterSummariesAsync(meter.MeterId, customer, tokyoMidnight, tokyoMidnight.AddDays(1)));
    }
}
