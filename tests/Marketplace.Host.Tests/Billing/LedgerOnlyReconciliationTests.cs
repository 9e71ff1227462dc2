using System.Net;
using Marketplace.Host.Features.Billing;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

public sealed class LedgerOnlyReconciliationTests : IAsyncLifetime
{
    private StripeBillingRig _rig = null!;

    public async Task InitializeAsync() => _rig = await StripeBillingRig.StartAsync(withStripe: false);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Without_Stripe_the_report_compares_the_ledger_and_says_Stripe_was_not_compared()
    {
        var (listing, _, contractId) = await _rig.ContractAsync();
        await StripeBillingRig.ReportUsageAsync(listing.Provider, contractId, 100, _rig.Factory.Time.GetUtcNow());
        _rig.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.Zero));
        await _rig.Reporting.ReportClosedDaysAsync();

        var id = await _rig.ReconcileAsync("2026-11");

        var run = await Ok<ReconciliationRunResponse>(await _rig.Operator.GetAsync($"/api/v1/billing/reconciliations/{id}"), HttpStatusCode.OK);
        Assert.False(run.Report!.StripeCompared);
        Assert.Empty(run.Report.Findings);
        Assert.Contains(run.Report.Notes, n => n.Contains("not configured", StringComparison.Ordinal));
        Assert.Contains("Stripe not compared (ledger-only)", run.Summary, StringComparison.Ordinal);
        Assert.Equal((100L, 100L, 1), (run.Report.Totals.LedgerUnits, run.Report.Totals.ReportedUnits, run.Report.Totals.MatchedContractDays));
    }
}
