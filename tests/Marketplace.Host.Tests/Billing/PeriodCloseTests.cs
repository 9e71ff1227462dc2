using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Marketplace.Host.Features.Billing;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

/// <summary>
/// Closing billing periods through the API, each test on a marketplace and clock of its own (they move time):
/// invoices once per contract and period, tax and split, late usage as adjustments, order and grace.
/// </summary>
public class PeriodCloseTests : IAsyncLifetime
{
    protected static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Marketplace:Billing:IssuerName"] = "Sample City Data Exchange",
        ["Marketplace:Billing:IssuerRegistration"] = "T9999999999999",
        ["Marketplace:Jobs:RunServer"] = "false",
    };

    private MarketplaceFactory _factory = null!;
    private MarketplaceDriver _driver = null!;
    private HttpClient _operator = null!;

    protected virtual MarketplaceFactory CreateFactory() => new(settings: Settings);

    public Task InitializeAsync()
    {
        _factory = CreateFactory();
        _ = _factory.Server;
        _driver = new MarketplaceDriver(_factory);
        _operator = _factory.ClientWithKey(_factory.OperatorKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>2026-11-10 09:00 JST is the factory's start; December 1st 01:00 JST (the end of 2026-11 plus grace) is 16:00 UTC on November 30th.</summary>
    private static readonly DateTimeOffset NovemberClosable = new(2026, 11, 30, 16, 0, 0, TimeSpan.Zero);

    private async Task<(Listing Listing, Party Buyer, string ContractId)> ContractAsync(object? pricing = null)
    {
        var listing = await _driver.ListedOfferingAsync(3, pricing: pricing ?? new { model = "per-unit", currency = "JPY", amount = 1, unit = "record", unitBlock = 10 });
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await SubscribeAsync(buyer, listing.OfferingId, "research");
        return (listing, buyer, contract.Id);
    }

    private async Task ReportAsync(Party provider, string contractId, long units, DateTimeOffset at, string? eventId = null)
    {
        var response = await provider.Client.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new[] { new { eventId = eventId ?? Guid.NewGuid().ToString(), contractId, units, occurredAt = at } },
        });
        var report = await Ok<JsonElement>(response, HttpStatusCode.OK);
        Assert.Equal(1, report.GetProperty("accepted").GetInt32());
    }

    private async Task<PeriodCloseResponse> CloseAsync(string period) =>
        await Ok<PeriodCloseResponse>(await _operator.PostAsync($"/api/v1/billing/periods/{period}/close", null), HttpStatusCode.OK);

    [Fact]
    public async Task Closing_a_period_issues_one_qualified_invoice_per_contract_with_tax_once_per_rate()
    {
        var (listing, buyer, contractId) = await ContractAsync();
        await Ok<JsonElement>(await listing.Provider.Client.PutAsJsonAsync($"/api/v1/parties/{listing.Provider.Id}/billing", new { invoiceRegistration = "T1234567890123" }), HttpStatusCode.OK);
        await ReportAsync(listing.Provider, contractId, 12_345, _factory.Time.GetUtcNow());
        _factory.Time.SetUtcNow(NovemberClosable);

        var closed = await CloseAsync("2026-11");

        Assert.Equal(("closed", 1), (closed.Status, closed.Invoices));
        var invoice = await Ok<InvoiceResponse>(await buyer.Client.GetAsync($"/api/v1/invoices/inv-2026-11-{contractId}"), HttpStatusCode.OK);
        Assert.Equal((1_235L, 123L, 1_358L), (invoice.NetMinor, invoice.TaxMinor, invoice.TotalMinor));
        Assert.True(invoice.Qualified);
        Assert.Equal(("T9999999999999", "T1234567890123"), (invoice.Issuer.Registration, invoice.Provider.Registration));
        Assert.Equal(invoice.TotalMinor, invoice.Shares.Sum(s => s.AmountMinor));
        Assert.Equal([new TaxTotalResponse(1000, "10%", 1_235, 123)], invoice.Taxes);
    }

    [Fact]
    public async Task An_unregistered_provider_is_invoiced_without_the_qualified_invoice_claim()
    {
        var (listing, buyer, contractId) = await ContractAsync();
        await ReportAsync(listing.Provider, contractId, 10, _factory.Time.GetUtcNow());
        _factory.Time.SetUtcNow(NovemberClosable);
        await CloseAsync("2026-11");

        var invoice = await Ok<InvoiceResponse>(await buyer.Client.GetAsync($"/api/v1/invoices/inv-2026-11-{contractId}"), HttpStatusCode.OK);

        Assert.False(invoice.Qualified);
        Assert.Contains("not a registered issuer", invoice.QualifiedNote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_twice_returns_the_same_close_and_never_a_second_invoice()
    {
        var (listing, _, contractId) = await ContractAsync();
        await ReportAsync(listing.Provider, contractId, 100, _factory.Time.GetUtcNow());
        _factory.Time.SetUtcNow(NovemberClosable);

        var first = await CloseAsync("2026-11");
        await ReportAsync(listing.Provider, contractId, 50, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        var second = await CloseAsync("2026-11");

        Assert.Equal(first, second);
        var list = await Ok<InvoiceListResponse>(await _operator.GetAsync("/api/v1/billing/periods/2026-11/invoices"), HttpStatusCode.OK);
        var invoice = Assert.Single(list.Items, i => i.ContractId == contractId);
        Assert.Equal(11, invoice.TotalMinor); // ¥10 for 100 records, plus tax; the late 50 wait for December
    }

    [Fact]
    public async Task A_period_cannot_close_before_its_end_plus_the_grace_window_and_the_answer_says_from_when()
    {
        _factory.Time.SetUtcNow(NovemberClosable.AddMinutes(-1));

        var problem = await Problem(await _operator.PostAsync("/api/v1/billing/periods/2026-11/close", null), HttpStatusCode.Conflict);

        Assert.Contains("2026-12-01 01:00 +09:00", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Late_usage_of_a_closed_period_lands_on_the_next_invoice_as_an_adjustment()
    {
        var (listing, buyer, contractId) = await ContractAsync();
        await ReportAsync(listing.Provider, contractId, 100, _factory.Time.GetUtcNow());
        _factory.Time.SetUtcNow(NovemberClosable);
        await CloseAsync("2026-11");

        // Usage of November 29th reported on December 3rd, and some December usage.
        _factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
        await ReportAsync(listing.Provider, contractId, 40, new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));
        await ReportAsync(listing.Provider, contractId, 20, _factory.Time.GetUtcNow());
        _factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero));
        await CloseAsync("2026-12");

        var november = await Ok<InvoiceResponse>(await buyer.Client.GetAsync($"/api/v1/invoices/inv-2026-11-{contractId}"), HttpStatusCode.OK);
        var december = await Ok<InvoiceResponse>(await buyer.Client.GetAsync($"/api/v1/invoices/inv-2026-12-{contractId}"), HttpStatusCode.OK);
        Assert.Equal(100, november.Lines.Sum(l => l.Quantity));
        Assert.Equal([("usage", "2026-12", 20L, 2L), ("adjustment", "2026-11", 40L, 4L)],
            december.Lines.Select(l => (l.Kind, l.UsagePeriod, l.Quantity, l.AmountMinor)));
    }

    [Fact]
    public async Task A_period_whose_close_stopped_half_way_must_finish_before_the_next_begins()
    {
        var periods = _factory.Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<Marketplace.Grains.IBillingPeriodsGrain>(Marketplace.Grains.IBillingPeriodsGrain.Key);
        await periods.BeginClose("2026-11", "2026-10", "operator"); // as a close that crashed after beginning
        _factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero));

        var problem = await Problem(await _operator.PostAsync("/api/v1/billing/periods/2026-12/close", null), HttpStatusCode.Conflict);
        await CloseAsync("2026-11");
        await CloseAsync("2026-12");

        Assert.Contains("2026-11 began closing and has not finished", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Periods_close_in_order()
    {
        _factory.Time.SetUtcNow(new DateTimeOffset(2027, 1, 31, 16, 0, 0, TimeSpan.Zero));
        await CloseAsync("2026-11");

        var problem = await Problem(await _operator.PostAsync("/api/v1/billing/periods/2027-01/close", null), HttpStatusCode.Conflict);

        Assert.Contains("Close billing period 2026-12 before 2027-01", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buyer_sees_only_its_own_invoices_and_another_buyers_invoice_is_not_found()
    {
        var (listing, buyer, contractId) = await ContractAsync();
        var (otherListing, otherBuyer, otherContract) = await ContractAsync();
        await ReportAsync(listing.Provider, contractId, 10, _factory.Time.GetUtcNow());
        await ReportAsync(otherListing.Provider, otherContract, 10, _factory.Time.GetUtcNow());
        _factory.Time.SetUtcNow(NovemberClosable);
        await CloseAsync("2026-11");

        var mine = await Ok<InvoiceListResponse>(await buyer.Client.GetAsync("/api/v1/billing/periods/2026-11/invoices"), HttpStatusCode.OK);

        Assert.Equal([contractId], mine.Items.Select(i => i.ContractId));
        await Problem(await buyer.Client.GetAsync($"/api/v1/invoices/inv-2026-11-{otherContract}"), HttpStatusCode.NotFound);
        await Problem(await otherListing.Provider.Client.GetAsync($"/api/v1/invoices/inv-2026-11-{contractId}"), HttpStatusCode.NotFound);
        _ = otherBuyer;
    }

    [Fact]
    public async Task A_flat_fee_is_charged_for_an_active_month_without_usage_and_a_service_app_pays_the_connection_fee()
    {
        var (listing, buyer, contractId) = await ContractAsync(new { model = "flat", currency = "JPY", amount = 30_000 });
        await Ok<JsonElement>(await _operator.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/billing", new { serviceApp = true }), HttpStatusCode.OK);
        _factory.Time.SetUtcNow(NovemberClosable);
        await CloseAsync("2026-11");

        var invoice = await Ok<InvoiceResponse>(await buyer.Client.GetAsync($"/api/v1/invoices/inv-2026-11-{contractId}"), HttpStatusCode.OK);

        Assert.Equal(["flat-fee", "connection-fee"], invoice.Lines.Select(l => l.Kind));
        Assert.Equal((33_000L, 3_300L, 36_300L), (invoice.NetMinor, invoice.TaxMinor, invoice.TotalMinor));
        var statements = await Ok<StatementListResponse>(await listing.Provider.Client.GetAsync("/api/v1/billing/periods/2026-11/statements"), HttpStatusCode.OK);
        var statement = Assert.Single(statements.Items);
        Assert.Equal(36_300, statement.ProviderShareMinor + statement.PlatformFeeMinor + statement.ConnectionFeeMinor);
    }

    [Fact]
    public async Task A_buyer_cannot_make_itself_a_service_app_nor_set_another_partys_billing()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        var other = await _driver.CreatePartyAsync("provider");

        await Problem(await buyer.Client.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/billing", new { serviceApp = true }), HttpStatusCode.Forbidden);
        await Problem(await buyer.Client.PutAsJsonAsync($"/api/v1/parties/{other.Id}/billing", new { invoiceRegistration = "T1234567890123" }), HttpStatusCode.NotFound);
        await Problem(await other.Client.PutAsJsonAsync($"/api/v1/parties/{other.Id}/billing", new { invoiceRegistration = "T123" }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_the_operator_closes_periods()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        _factory.Time.SetUtcNow(NovemberClosable);

        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.Client.PostAsync("/api/v1/billing/periods/2026-11/close", null)).StatusCode);
    }
}

/// <summary>The same closes on the Cosmos store (grain state and the invoice index on the local Cosmos server).</summary>
public sealed class CosmosPeriodCloseTests(CosmosServerFixture server) : PeriodCloseTests, IClassFixture<CosmosServerFixture>
{
    protected override MarketplaceFactory CreateFactory() => new(cosmos: server.Server, settings: Settings);
}
