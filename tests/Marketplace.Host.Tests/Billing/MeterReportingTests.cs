using Marketplace.Billing.Usage;
using Marketplace.Grains;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.Billing;

/// <summary>Usage reported to Stripe's billing meters per contract and billing day, once, with deltas under new identifiers.</summary>
public sealed class MeterReportingTests : IAsyncLifetime
{
    private static readonly DateOnly November10 = new(2026, 11, 10);
    private static readonly DateOnly November11 = new(2026, 11, 11);

    private StripeBillingRig _rig = null!;

    public async Task InitializeAsync() => _rig = await StripeBillingRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    /// <summary>100 units on November 10th and 50 on the 11th (JST), then the clock at 09:00 JST on the 12th.</summary>
    private async Task<(Party Provider, Party Buyer, string ContractId)> UsageOfTwoDaysAsync()
    {
        var (listing, buyer, contractId) = await _rig.ContractAsync();
        await StripeBillingRig.ReportUsageAsync(listing.Provider, contractId, 100, _rig.Factory.Time.GetUtcNow());
        _rig.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 11, 3, 0, 0, TimeSpan.Zero));
        await StripeBillingRig.ReportUsageAsync(listing.Provider, contractId, 50, _rig.Factory.Time.GetUtcNow());
        _rig.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 12, 0, 0, 0, TimeSpan.Zero));
        return (listing.Provider, buyer, contractId);
    }

    [Fact]
    public async Task Each_closed_day_is_reported_once_under_its_first_identifier()
    {
        var (_, _, contractId) = await UsageOfTwoDaysAsync();

        var result = await _rig.Reporting.ReportClosedDaysAsync();

        Assert.Equal((2, 150L), (result.Reports, result.Units));
        var days = await _rig.Grains.GetGrain<IMeterReportGrain>(contractId).Days(November10, November11);
        Assert.Equal([($"mk-{contractId}-20261110-1", 100L), ($"mk-{contractId}-20261111-1", 50L)],
            days.SelectMany(d => d.Reports).Select(r => (r.Identifier, r.Units)));
    }

    [Fact]
    public async Task A_second_run_sends_nothing_new()
    {
        await UsageOfTwoDaysAsync();
        await _rig.Reporting.ReportClosedDaysAsync();

        var again = await _rig.Reporting.ReportClosedDaysAsync();

        Assert.Equal(0, again.Reports);
    }

    [Fact]
    public async Task Later_usage_of_a_reported_day_is_sent_as_the_difference_under_the_next_identifier()
    {
        var (provider, _, contractId) = await UsageOfTwoDaysAsync();
        await _rig.Reporting.ReportClosedDaysAsync();
        await StripeBillingRig.ReportUsageAsync(provider, contractId, 30, new DateTimeOffset(2026, 11, 10, 5, 0, 0, TimeSpan.Zero));

        var later = await _rig.Reporting.ReportClosedDaysAsync();

        Assert.Equal((1, 30L), (later.Reports, later.Units));
        var outbox = _rig.Factory.Services.GetRequiredService<IOutbox>();
        var message = await outbox.GetAsync($"mk-{contractId}-20261110-2");
        Assert.Equal((MeterEventMessages.Kind, 30L), (message!.Kind, MeterEventMessages.Parse(message).Value));
    }

    [Fact]
    public async Task A_report_recorded_before_a_crash_is_enqueued_by_the_next_run_under_the_same_identifier()
    {
        var (_, _, contractId) = await UsageOfTwoDaysAsync();
        // The grain recorded the report, then the process died before the outbox message was written.
        await _rig.Grains.GetGrain<IMeterReportGrain>(contractId).Advance(November10, 100);

        await _rig.Reporting.ReportClosedDaysAsync();

        var outbox = _rig.Factory.Services.GetRequiredService<IOutbox>();
        Assert.NotNull(await outbox.GetAsync($"mk-{contractId}-20261110-1"));
        Assert.Null(await outbox.GetAsync($"mk-{contractId}-20261110-2"));
    }

    [Fact]
    public async Task The_sweep_delivers_the_reports_and_Stripes_day_totals_equal_the_ledgers()
    {
        var (provider, buyer, contractId) = await UsageOfTwoDaysAsync();
        await _rig.Reporting.ReportClosedDaysAsync();
        await StripeBillingRig.ReportUsageAsync(provider, contractId, 30, new DateTimeOffset(2026, 11, 10, 5, 0, 0, TimeSpan.Zero));
        await _rig.Reporting.ReportClosedDaysAsync();

        var swept = await _rig.SweepAsync();

        Assert.Equal(3, swept.Done);
        var customer = Assert.Single(_rig.Stripe.Customers, c => c.Metadata.GetValueOrDefault("marketplace_buyer") == buyer.Id);
        Assert.Equal([(November10, 130L), (November11, 50L)],
            _rig.Stripe.MeterTotals.Where(t => t.CustomerId == customer.Id).Select(t => (t.Day, t.Value)));
        Assert.All(_rig.Stripe.MeterEvents, e => Assert.Equal(3, e.Timestamp.UtcDateTime.Hour)); // noon JST: the billing day's UTC date
    }

    [Fact]
    public async Task A_day_older_than_the_remembered_days_is_never_reported_again()
    {
        var reports = _rig.Grains.GetGrain<IMeterReportGrain>(MarketplaceDriver.UniqueId("ctr"));
        await reports.Advance(November10, 100); // remembers from 40 days before today (November 10th)

        var old = await reports.Advance(new DateOnly(2026, 9, 20), 5);

        Assert.Empty(old.Reports);
        Assert.Equal(new DateOnly(2026, 10, 1), await reports.Horizon());
    }
}
