using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Billing.Outbox;
using Marketplace.Billing.Reconciliation;
using Marketplace.Billing.Usage;
using Marketplace.Grains;
using Marketplace.StripeFake;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

/// <summary>
/// A marketplace of its own wired to the fake Stripe (both on the factory's clock), with no job server: tests call
/// the reporting, the sweep and reconciliation runs directly, so every step happens when the test says.
/// </summary>
public sealed class StripeBillingRig : IAsyncDisposable
{
    /// <summary>December 1st 01:00 JST: the end of 2026-11 plus grace.</summary>
    public static readonly DateTimeOffset NovemberClosable = new(2026, 11, 30, 16, 0, 0, TimeSpan.Zero);

    private StripeBillingRig(MarketplaceFactory factory, FakeStripe stripe)
    {
        Factory = factory;
        Stripe = stripe;
        Driver = new MarketplaceDriver(factory);
        Operator = factory.ClientWithKey(factory.OperatorKey);
    }

    public MarketplaceFactory Factory { get; }

    public FakeStripe Stripe { get; }

    public MarketplaceDriver Driver { get; }

    public HttpClient Operator { get; }

    public IGrainFactory Grains => Factory.Services.GetRequiredService<IGrainFactory>();

    public UsageReporting Reporting => Factory.Services.GetRequiredService<UsageReporting>();

    public ReconciliationRuns Runs => Factory.Services.GetRequiredService<ReconciliationRuns>();

    public static async Task<StripeBillingRig> StartAsync(bool withStripe = true)
    {
        var settings = new Dictionary<string, string> { ["Marketplace:Jobs:RunServer"] = "false" };
        var factory = new MarketplaceFactory(settings: settings);
        var stripe = await FakeStripe.StartAsync(factory.Time);
        if (withStripe)
        {
            // Read when the host first starts, which is after this.
            settings["Marketplace:Stripe:ApiKey"] = FakeStripe.ApiKey;
            settings["Marketplace:Stripe:ApiBase"] = stripe.BaseUrl;
            settings["Marketplace:Stripe:MeterEventsBase"] = stripe.BaseUrl;
        }
        _ = factory.Server;
        return new StripeBillingRig(factory, stripe);
    }

    /// <summary>A buyer's contract on a per-unit plan of ¥1 per 10 records.</summary>
    public async Task<(Listing Listing, Party Buyer, string ContractId)> ContractAsync()
    {
        var listing = await Driver.ListedOfferingAsync(3, pricing: new { model = "per-unit", currency = "JPY", amount = 1, unit = "record", unitBlock = 10 });
        var buyer = await Driver.CreatePartyAsync("buyer");
        var contract = await SubscribeAsync(buyer, listing.OfferingId, "research");
        return (listing, buyer, contract.Id);
    }

    public static async Task ReportUsageAsync(Party provider, string contractId, long units, DateTimeOffset at, string? eventId = null)
    {
        var response = await provider.Client.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new[] { new { eventId = eventId ?? Guid.NewGuid().ToString(), contractId, units, occurredAt = at } },
        });
        var report = await Ok<JsonElement>(response, HttpStatusCode.OK);
        Assert.True(report.GetProperty("accepted").GetInt32() == 1, report.ToString());
    }

    public async Task<ContractView> ViewAsync(string contractId) => (await Grains.GetGrain<IContractGrain>(contractId).Get())!;

    public async Task<SweepResult> SweepAsync() => await Factory.Services.GetRequiredService<PaymentOutboxSweep>().SweepAsync();

    public async Task ClosePeriodAsync(string period) =>
        Assert.Equal(HttpStatusCode.OK, (await Operator.PostAsync($"/api/v1/billing/periods/{period}/close", null)).StatusCode);

    /// <summary>Starts a run through the API, runs its job here, and answers its id.</summary>
    public async Task<string> ReconcileAsync(string period)
    {
        var started = await Operator.PostAsync($"/api/v1/billing/periods/{period}/reconciliation", null);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var id = started.Headers.Location!.OriginalString.Split('/')[^1];
        await Runs.RunAsync(id);
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}
