using Marketplace.Host.Tests;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// The operator starts a reconciliation of the current period from its page, the run page follows the job (it
/// refreshes itself) until the report is there, and the report's CSV downloads; the pages pass the page checks.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class ReconciliationJourneyTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);

    [Fact]
    public async Task The_operator_starts_a_reconciliation_follows_it_to_its_report_and_downloads_the_CSV()
    {
        var operatorParty = new Party("operator", fixture.Factory.OperatorKey, fixture.Driver.Operator);
        await using var visitor = await fixture.SignInAsync(operatorParty);
        var page = visitor.Page;
        Assert.Equal(200, await visitor.OpenPageAsync("/console/operator/billing/reconciliations"));
        await _checks.AssertSoundAsync(visitor, "console-operator-reconciliations");

        await page.Locator("#reconciliation-period").FillAsync("2026-11");
        await page.Locator("form:has(#reconciliation-period) button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**/console/operator/billing/reconciliations/rec-2026-11-*");
        // The page refreshes itself until the background job is done.
        await page.Locator(".status-done").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await _checks.AssertSoundAsync(visitor, "console-operator-reconciliation");

        Assert.StartsWith("Reconciliation 2026-11 (", await page.Locator("#reconciliation-summary").InnerTextAsync(), StringComparison.Ordinal);
        var csv = await page.APIRequest.GetAsync(await page.Locator("a[href$='/report.csv']").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("kind,contract,buyer", await csv.TextAsync(), StringComparison.Ordinal);
        Assert.Empty(visitor.TakeProblems());
    }
}
