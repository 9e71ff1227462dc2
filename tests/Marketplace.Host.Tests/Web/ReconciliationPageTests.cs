using System.Net;
using Marketplace.Host.Tests.Billing;

namespace Marketplace.Host.Tests.Web;

/// <summary>The operator's reconciliation pages: start a run, follow its progress, read its report, download its CSV, repair once.</summary>
public sealed class ReconciliationPageTests : IAsyncLifetime
{
    private const string Runs = "/console/operator/billing/reconciliations";

    private StripeBillingRig _rig = null!;
    private PageSession _browser = null!;

    public async Task InitializeAsync()
    {
        _rig = await StripeBillingRig.StartAsync(withStripe: false);
        var person = await _rig.Driver.EnrolPersonAsync("operator");
        _browser = await new PageSession(_rig.Factory).SignedInAsync(person.SignIn, person.OneTimePassword);
        _browser.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    /// <summary>Usage of November 10th that was never reported to the meter: one finding, one repair.</summary>
    private async Task<string> RunWithOneRepairAsync()
    {
        var (listing, _, contractId) = await _rig.ContractAsync();
        await StripeBillingRig.ReportUsageAsync(listing.Provider, contractId, 100, _rig.Factory.Time.GetUtcNow());
        _rig.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.Zero));
        return await _rig.ReconcileAsync("2026-11");
    }

    [Fact]
    public async Task Starting_a_run_from_the_form_leads_to_its_page_with_a_progress_bar_that_refreshes_itself()
    {
        var started = await _browser.PostFormAsync(Runs, "start-reconciliation", new Dictionary<string, string> { ["Period"] = "2026-11" });

        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var page = started.Headers.Location!.PathAndQuery;
        Assert.StartsWith(Runs + "/rec-2026-11-", page, StringComparison.Ordinal);
        var html = await _browser.Client.GetStringAsync(page);
        Assert.Contains("<progress id=\"reconciliation-progress\" max=\"100\" value=\"0\"", html, StringComparison.Ordinal);
        Assert.Contains("http-equiv=\"refresh\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/operator/billing\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finished_run_shows_its_summary_and_findings_without_refreshing_and_its_CSV_downloads()
    {
        var id = await RunWithOneRepairAsync();

        var html = await _browser.Client.GetStringAsync($"{Runs}/{id}");

        Assert.DoesNotContain("http-equiv=\"refresh\"", html, StringComparison.Ordinal);
        Assert.Contains($"Reconciliation 2026-11 ({id}): 1 findings", html, StringComparison.Ordinal);
        Assert.Contains("Not reported", html, StringComparison.Ordinal);
        var csv = await _browser.Client.GetAsync($"{Runs}/{id}/report.csv");
        Assert.Equal(("text/csv", HttpStatusCode.OK), (csv.Content.Headers.ContentType!.MediaType, csv.StatusCode));
        Assert.Contains("reported-below-ledger", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_repair_button_applies_the_repairs_once_and_a_second_press_says_they_were_done()
    {
        var id = await RunWithOneRepairAsync();

        var first = await _browser.PostFormAsync($"{Runs}/{id}", "apply-repairs", new Dictionary<string, string> { ["Apply"] = "1" });
        var second = await _browser.PostFormAsync($"{Runs}/{id}", "apply-repairs", new Dictionary<string, string> { ["Apply"] = "1" });

        Assert.Contains("Report the usage: Done", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Report the usage: Already done", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pages_speak_Japanese()
    {
        var id = await RunWithOneRepairAsync();
        _browser.Client.DefaultRequestHeaders.AcceptLanguage.Clear();
        _browser.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");

        var list = await _browser.Client.GetStringAsync(Runs);
        var run = await _browser.Client.GetStringAsync($"{Runs}/{id}");

        Assert.Contains("照合を開始", list, StringComparison.Ordinal);
        Assert.Contains("未報告", run, StringComparison.Ordinal);
    }
}
