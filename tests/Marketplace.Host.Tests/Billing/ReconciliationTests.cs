using System.Net;
using System.Net.Http.Headers;
using Marketplace.Billing.Reconciliation;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Features.Billing;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

/// <summary>
/// Reconciliation of November against injected drift: Stripe dropped contract A's report, counted B's twice, a late
/// event of A was never reported, and C's invoice bills ¥500 where its terms say ¥1. It must find each, and nothing else.
/// </summary>
public sealed class ReconciliationTests : IAsyncLifetime
{
    private static readonly DateOnly November10 = new(2026, 11, 10);

    private StripeBillingRig _rig = null!;
    private (Party Buyer, string ContractId) _a, _b, _c;

    public async Task InitializeAsync()
    {
        _rig = await StripeBillingRig.StartAsync();
        var now = _rig.Factory.Time.GetUtcNow();
        var (listingA, buyerA, contractA) = await _rig.ContractAsync();
        var (listingB, buyerB, contractB) = await _rig.ContractAsync();
        var (listingC, buyerC, contractC) = await _rig.ContractAsync();
        (_a, _b, _c) = ((buyerA, contractA), (buyerB, contractB), (buyerC, contractC));
        await StripeBillingRig.ReportUsageAsync(listingA.Provider, contractA, 100, now);
        await StripeBillingRig.ReportUsageAsync(listingB.Provider, contractB, 200, now);
        _rig.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 12, 3, 0, 0, TimeSpan.Zero));
        await StripeBillingRig.ReportUsageAsync(listingB.Provider, contractB, 40, _rig.Factory.Time.GetUtcNow());
        await StripeBillingRig.ReportUsageAsync(listingC.Provider, contractC, 10, now);
        await IssueOverpricedInvoiceAsync(contractC);
        _rig.Factory.Time.SetUtcNow(StripeBillingRig.NovemberClosable);
        await _rig.ClosePeriodAsync("2026-11");

        _rig.Stripe.DropMeterEvents(true);
        await _rig.Reporting.ReportDayAsync(await _rig.ViewAsync(contractA), November10, 100);
        await _rig.SweepAsync();
        _rig.Stripe.DropMeterEvents(false);
        _rig.Stripe.DuplicateNextMeterEvent();
        await _rig.Reporting.ReportDayAsync(await _rig.ViewAsync(contractB), November10, 200);
        await _rig.SweepAsync();
        await _rig.Reporting.ReportClosedDaysAsync();
        await _rig.SweepAsync();
        // Usage of A's November 10th that arrives after the day was reported.
        await StripeBillingRig.ReportUsageAsync(listingA.Provider, contractA, 7, new DateTimeOffset(2026, 11, 10, 1, 0, 0, TimeSpan.Zero), "late-a-1");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    /// <summary>C's invoice, issued before the close (which keeps it): ten records billed ¥500 instead of ¥1.</summary>
    private async Task IssueOverpricedInvoiceAsync(string contractId)
    {
        var view = await _rig.ViewAsync(contractId);
        var computed = InvoiceCalculation.Compute(new InvoiceBasis(view.Terms.Pricing, "2026-11", 10, true, [], false,
            new BillingRates(1000, 0, 0), view.Terms.ProviderId, "marketplace"));
        var wrong = InvoiceCalculation.Summarise([computed.Lines[0] with { AmountMinor = 500 }], 0, view.Terms.ProviderId, "marketplace");
        var id = InvoiceIds.For("2026-11", contractId);
        InvoiceParty Party(string partyId) => new(partyId, partyId, null);
        await _rig.Grains.GetGrain<IInvoiceGrain>(id).Issue(new Invoice(id, InvoiceKind.Invoice, "2026-11", contractId, view.Terms.OfferingId, "Bus stops",
            view.Terms.Pricing.Currency, _rig.Factory.Time.GetUtcNow(), Party(view.BuyerId), Party(view.Terms.ProviderId), Party("marketplace"), false,
            wrong.Lines, wrong.Taxes, wrong.NetMinor, wrong.TaxMinor, wrong.TotalMinor, wrong.Shares, 0));
    }

    private async Task<ReconciliationRunResponse> ReadAsync(string id) =>
        await Ok<ReconciliationRunResponse>(await _rig.Operator.GetAsync($"/api/v1/billing/reconciliations/{id}"), HttpStatusCode.OK);

    [Fact]
    public async Task Reconciliation_finds_every_injected_drift_and_reports_nothing_else()
    {
        var run = await ReadAsync(await _rig.ReconcileAsync("2026-11"));

        Assert.Equal(("done", 100), (run.Status, run.Percent));
        var findings = run.Report!.Findings.Select(f => (f.Kind, f.ContractId ?? f.BuyerId, f.Day, f.Expected, f.Actual)).OrderBy(f => f.Kind, StringComparer.Ordinal);
        Assert.Equal(
        [
            (FindingKinds.ExtraAtStripe, _b.ContractId, (DateOnly?)November10, 200L, 400L),
            (FindingKinds.InvoiceAmount, _c.ContractId, null, 1L, 500L),
            (FindingKinds.MissingAtStripe, _a.ContractId, November10, 100L, 0L),
            (FindingKinds.ReportedBelowLedger, _a.ContractId, November10, 107L, 100L),
        ], findings);
        Assert.Equal(["late-a-1"], run.Report.Findings.Single(f => f.Kind == FindingKinds.ReportedBelowLedger).EventIds);
    }

    [Fact]
    public async Task Its_repairs_applied_twice_have_one_effect_and_a_new_run_finds_only_what_cannot_be_repaired()
    {
        var id = await _rig.ReconcileAsync("2026-11");

        var first = await Ok<RepairListResponse>(await _rig.Operator.PostAsync($"/api/v1/billing/reconciliations/{id}/repairs", null), HttpStatusCode.OK);
        var second = await Ok<RepairListResponse>(await _rig.Operator.PostAsync($"/api/v1/billing/reconciliations/{id}/repairs", null), HttpStatusCode.OK);
        await _rig.SweepAsync();

        Assert.Equal((3, 0), (first.Applied, first.AlreadyDone));
        Assert.Equal((0, 3), (second.Applied, second.AlreadyDone));
        var invoice = InvoiceIds.For("2026-11", _c.ContractId);
        var credit = await _rig.Grains.GetGrain<IInvoiceGrain>(InvoiceIds.CreditNote(invoice, 1)).Get();
        Assert.Equal((InvoiceKind.CreditNote, -499L, invoice), (credit!.Kind, credit.NetMinor, credit.CreditsInvoiceId));
        Assert.Null(await _rig.Grains.GetGrain<IInvoiceGrain>(InvoiceIds.CreditNote(invoice, 2)).Get());
        var again = await ReadAsync(await _rig.ReconcileAsync("2026-11"));
        Assert.Equal([FindingKinds.ExtraAtStripe], again.Report!.Findings.Select(f => f.Kind));
    }

    [Fact]
    public async Task The_CSV_has_one_row_per_finding_with_the_JSONs_values_and_a_summary_row()
    {
        var id = await _rig.ReconcileAsync("2026-11");
        var json = (await ReadAsync(id)).Report!;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/billing/reconciliations/{id}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        var response = await _rig.Operator.SendAsync(request);

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var rows = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(json.Findings.Select(f => $"{f.Kind},{f.ContractId},{f.BuyerId},{f.Unit},{f.Day:yyyy-MM-dd},{f.InvoiceId},{f.Expected},{f.Actual},{f.Difference}"),
            rows.SkipLast(1).Select(r => string.Join(',', r.Split(',').Take(9))));
        Assert.StartsWith("summary,", rows[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_is_one_line_an_operator_can_paste()
    {
        var run = await ReadAsync(await _rig.ReconcileAsync("2026-11"));

        Assert.Equal(run.Summary, run.Report!.Summary);
        Assert.DoesNotContain('\n', run.Summary!);
        Assert.StartsWith("Reconciliation 2026-11 (", run.Summary, StringComparison.Ordinal);
        Assert.Contains("4 findings", run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_whose_job_was_lost_is_enqueued_again_when_read()
    {
        var started = await _rig.Operator.PostAsync("/api/v1/billing/periods/2026-11/reconciliation", null);
        var id = started.Headers.Location!.OriginalString.Split('/')[^1];
        await _rig.Grains.GetGrain<IReconciliationRunGrain>(id).Assign("job-lost-with-hangfire-storage");

        var run = await ReadAsync(id);

        Assert.Equal("queued", run.Status);
        Assert.NotEqual("job-lost-with-hangfire-storage", (await _rig.Grains.GetGrain<IReconciliationRunGrain>(id).Get())!.JobId);
    }

    [Fact]
    public async Task Running_a_finished_runs_job_again_changes_nothing()
    {
        var id = await _rig.ReconcileAsync("2026-11");
        var grain = _rig.Grains.GetGrain<IReconciliationRunGrain>(id);
        var before = (await grain.Get(), await grain.GetReport());

        await _rig.Factory.Services.GetRequiredService<ReconciliationJobs>().RunAsync(id, CancellationToken.None);

        Assert.Equal(before, (await grain.Get(), await grain.GetReport()));
    }
}
