using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Tests;
using Marketplace.Host.Tests.Web;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// A browser marketplace of its own for billing: its tests move the clock past the end of a period, which the
/// shared marketplace's tests must never see.
/// </summary>
public sealed class BillingWebFixture() : WebMarketplaceFixture(BillingPages.Factory(runJobs: true));

[CollectionDefinition(Name)]
public sealed class BillingWebCollection : ICollectionFixture<BillingWebFixture>
{
    public const string Name = "web-billing";
}

/// <summary>
/// The sample city's November billed: the operator closes the period in the console, opens an invoice, reconciles
/// the period (the run page follows the background job to its report) and downloads the report's CSV; the
/// buyer finds its invoices and opens one, the provider reads its statement; every billing page passes the page
/// checks in both languages, and the invoice prints without the site around it.
/// </summary>
[Collection(BillingWebCollection.Name)]
public sealed class BillingJourneyTests(BillingWebFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);

    [Fact]
    public async Task The_operator_closes_november_the_buyer_opens_its_invoice_and_the_provider_reads_its_statement()
    {
        // The city's footfall offering (¥3 a record) used by a buyer registered as a service app.
        var city = fixture.Seed.ListedPrivate.Provider;
        (await city.Client.PutAsJsonAsync($"/api/v1/parties/{city.Id}/billing", new { invoiceRegistration = ClosedNovember.ProviderRegistration })).EnsureSuccessStatusCode();
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        (await fixture.Driver.Operator.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/billing", new { serviceApp = true })).EnsureSuccessStatusCode();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, fixture.Seed.ListedPrivate.OfferingId, "research");
        var usage = await city.Client.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new[] { new { eventId = Guid.NewGuid().ToString(), contractId = contract.Id, units = 1_200, occurredAt = fixture.Factory.Time.GetUtcNow() } },
        });
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        fixture.Factory.Time.SetUtcNow(ClosedNovember.NovemberClosable);
        var invoiceId = $"inv-2026-11-{contract.Id}";

        await using (var operatorVisitor = await fixture.SignInAsync(new Party("operator", fixture.Factory.OperatorKey, fixture.Driver.Operator)))
        {
            var page = operatorVisitor.Page;
            await Visitor.FollowAsync(page, page.Locator("main a[href=\"/console/operator/billing\"]"), "/console/operator/billing");
            Assert.Contains("Stripe is not configured", await page.Locator("#stripe-status").InnerTextAsync(), StringComparison.Ordinal);
            await _checks.AssertSoundAsync(operatorVisitor, "console-operator-billing");

            await page.GetByRole(AriaRole.Button, new() { Name = "Close period 2026-11" }).ClickAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.Contains("Closed 2026-11", await page.Locator("#close-done").InnerTextAsync(), StringComparison.Ordinal);

            await Visitor.FollowAsync(page, page.Locator("main a[href=\"/console/operator/billing/2026-11\"]"), "/console/operator/billing/2026-11");
            await _checks.AssertSoundAsync(operatorVisitor, "console-operator-billing-period");
            await Visitor.FollowAsync(page, page.Locator($"main a[href=\"/invoices/{invoiceId}\"]"), invoiceId);
            var invoice = await page.Locator("article.invoice").InnerTextAsync();
            Assert.Contains(ClosedNovember.IssuerRegistration, invoice, StringComparison.Ordinal);
            Assert.Contains("Connection fee", invoice, StringComparison.Ordinal);
            await _checks.AssertSoundAsync(operatorVisitor, "invoice");

            // Then reconciles the closed period and downloads the report.
            Assert.Equal(200, await operatorVisitor.OpenPageAsync("/console/operator/billing"));
            await Visitor.FollowAsync(page, page.Locator("#reconciliations-link"), "/console/operator/billing/reconciliations");
            await _checks.AssertSoundAsync(operatorVisitor, "console-operator-reconciliations");
            await page.Locator("#reconciliation-period").FillAsync("2026-11");
            await page.Locator("form:has(#reconciliation-period) button[type=submit]").ClickAsync();
            await page.WaitForURLAsync("**/console/operator/billing/reconciliations/rec-2026-11-*");
            // The run page refreshes itself until the background job is done.
            await page.Locator(".status-done").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
            await _checks.AssertSoundAsync(operatorVisitor, "console-operator-reconciliation");
            Assert.StartsWith("Reconciliation 2026-11 (", await page.Locator("#reconciliation-summary").InnerTextAsync(), StringComparison.Ordinal);
            var csv = await page.APIRequest.GetAsync(await page.Locator("a[href$='/report.csv']").GetAttributeAsync("href") ?? "");
            Assert.Equal(200, csv.Status);
            Assert.StartsWith("kind,contract,buyer", await csv.TextAsync(), StringComparison.Ordinal);
            Assert.Empty(operatorVisitor.TakeProblems());
        }

        await using (var buyerVisitor = await fixture.SignInAsync(buyer))
        {
            var page = buyerVisitor.Page;
            await Visitor.FollowAsync(page, page.Locator("main a[href=\"/console/buyer/invoices\"]"), "/console/buyer/invoices");
            await _checks.AssertSoundAsync(buyerVisitor, "console-buyer-invoices");
            await Visitor.FollowAsync(page, page.Locator($"main a[href=\"/invoices/{invoiceId}\"]"), invoiceId);
            Assert.Contains($"To: Test buyer {buyer.Id}", await page.Locator("#invoice-buyer").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains("Subject to 10%", await page.Locator("#invoice-taxes").InnerTextAsync(), StringComparison.Ordinal);
            await _checks.AssertSoundAsync(buyerVisitor, "invoice-buyer");
            var pdf = await page.APIRequest.GetAsync(await page.Locator($"a[href=\"/invoices/{invoiceId}.pdf\"]").GetAttributeAsync("href") ?? "");
            Assert.Equal(("application/pdf", 200), (pdf.Headers["content-type"], pdf.Status));

            // Printed, the invoice stands alone: no site header, navigation or hints around it.
            await page.EmulateMediaAsync(new() { Media = Media.Print });
            Assert.False(await page.Locator(".site-header").IsVisibleAsync());
            Assert.False(await page.Locator("p.breadcrumb").IsVisibleAsync());
            Assert.True(await page.Locator("#invoice-total").IsVisibleAsync());
            Assert.Empty(buyerVisitor.TakeProblems());
        }

        await using (var providerVisitor = await fixture.SignInAsync(city))
        {
            var page = providerVisitor.Page;
            await Visitor.FollowAsync(page, page.Locator("nav.console-nav a[href=\"/console/provider/statements\"]"), "/console/provider/statements");
            Assert.Contains("Statement for 2026-11", await page.Locator("#statement-heading").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains(invoiceId, await page.Locator("#statement-invoices").InnerTextAsync(), StringComparison.Ordinal);
            await _checks.AssertSoundAsync(providerVisitor, "console-provider-statements");
            await Visitor.FollowAsync(page, page.Locator("nav.console-nav a[href=\"/console/billing-profile\"]"), "/console/billing-profile");
            Assert.Contains(ClosedNovember.ProviderRegistration, await page.Locator("#billing-profile").InnerTextAsync(), StringComparison.Ordinal);
            await _checks.AssertSoundAsync(providerVisitor, "console-billing-profile");
            Assert.Empty(providerVisitor.TakeProblems());
        }
    }
}
