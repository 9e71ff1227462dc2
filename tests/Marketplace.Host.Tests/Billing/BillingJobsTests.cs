using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Billing;
using Marketplace.Grains;
using Marketplace.Host.Features.Billing;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

/// <summary>The recurring close job: every due period closed once and in order, however often it runs.</summary>
public sealed class BillingJobsTests : IAsyncLifetime
{
    private readonly MarketplaceFactory _factory = new(settings: new Dictionary<string, string> { ["Marketplace:Jobs:RunServer"] = "false" });

    public Task InitializeAsync()
    {
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task RunCloseJobAsync()
    {
        using var scope = _factory.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<BillingJobs>().CloseDuePeriodsAsync(CancellationToken.None);
    }

    private async Task<IReadOnlyList<PeriodCloseResponse>> PeriodsAsync() =>
        (await Ok<PeriodListResponse>(await _factory.ClientWithKey(_factory.OperatorKey).GetAsync("/api/v1/billing/periods"), HttpStatusCode.OK)).Items;

    [Fact]
    public async Task The_close_job_run_twice_closes_each_due_period_once_and_in_order()
    {
        var driver = new MarketplaceDriver(_factory);
        var listing = await driver.ListedOfferingAsync(3, pricing: new { model = "per-unit", currency = "JPY", amount = 2, unit = "record" });
        var buyer = await driver.CreatePartyAsync("buyer");
        var contract = await SubscribeAsync(buyer, listing.OfferingId, "research");
        await Ok<JsonElement>(await listing.Provider.Client.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new[] { new { eventId = "job-1", contractId = contract.Id, units = 10, occurredAt = _factory.Time.GetUtcNow() } },
        }), HttpStatusCode.OK);

        _factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 17, 0, 0, TimeSpan.Zero)); // December 1st, 02:00 in Tokyo
        await RunCloseJobAsync();
        await RunCloseJobAsync();
        var first = await PeriodsAsync();

        _factory.Time.SetUtcNow(new DateTimeOffset(2027, 1, 31, 17, 0, 0, TimeSpan.Zero)); // February 1st, 02:00 in Tokyo
        await RunCloseJobAsync();
        await RunCloseJobAsync();
        var later = await PeriodsAsync();

        Assert.Equal([("2026-11", "closed", 1)], first.Select(p => (p.Period, p.Status, p.Invoices)));
        Assert.Equal(["2027-01", "2026-12", "2026-11"], later.Select(p => p.Period));
        Assert.All(later, p => Assert.Equal("closed", p.Status));
        var november = await Ok<InvoiceListResponse>(await buyer.Client.GetAsync("/api/v1/billing/periods/2026-11/invoices"), HttpStatusCode.OK);
        Assert.Equal(22, Assert.Single(november.Items).TotalMinor);
    }

    [Fact]
    public async Task Before_billing_has_begun_the_close_job_closes_only_the_latest_ended_period()
    {
        // November 10th: October ended (and its grace window passed); nothing was ever closed.
        await RunCloseJobAsync();

        Assert.Equal(["2026-10"], (await PeriodsAsync()).Select(p => p.Period));
    }
}
