using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Application.Usage;
using Marketplace.Host.Features.Contracts;

namespace Marketplace.Host.Tests;

/// <summary>
/// Every record served is metered once: replays by Idempotency-Key, filters with characters that mean something
/// in a query string, month boundaries and hostile usage reports. A host of its own, because these tests move its clock.
/// </summary>
public sealed class MeteringIntegrityTests(MeteringIntegrityTests.OwnMarketplace fixture) : IClassFixture<MeteringIntegrityTests.OwnMarketplace>
{
    public sealed class OwnMarketplace : MarketplaceFixture;

    private readonly MarketplaceDriver _driver = fixture.Driver;

    private MarketplaceFactory Host => fixture.Factory;

    [Fact]
    public async Task A_filter_value_holding_ampersand_and_equals_is_one_filter_and_the_same_key_with_two_filters_is_refused()
    {
        var (_, buyer, contract) = await ActiveContractAsync(records: 40);
        var url = $"/api/v1/contracts/{contract}/records";

        // One filter whose value is "west&name=Stop 1": no record has that district.
        var first = await FetchAsync(buyer, $"{url}?district={Uri.EscapeDataString("west&name=Stop 1")}", "key-amp");
        var forged = await buyer.Client.SendAsync(Get($"{url}?district=west&name={Uri.EscapeDataString("Stop 1")}", "key-amp"));

        Assert.Equal(0, first.Body.GetProperty("count").GetInt32());
        await MarketplaceDriver.Problem(forged, HttpStatusCode.Conflict);
        Assert.Equal(0, await UnitsAsync(buyer, contract));
    }

    [Fact]
    public async Task A_replay_answers_from_the_stored_request_whatever_order_the_filters_come_in()
    {
        var (_, buyer, contract) = await ActiveContractAsync(records: 40);
        var url = $"/api/v1/contracts/{contract}/records?limit=3";

        var first = await FetchAsync(buyer, $"{url}&district=east&name={Uri.EscapeDataString("Stop 2, north")}", "key-order");
        var replay = await FetchAsync(buyer, $"{url}&name={Uri.EscapeDataString("Stop 2, north")}&district=east", "key-order");

        Assert.False(first.Replayed);
        Assert.True(replay.Replayed);
        Assert.Equal(first.Body.GetRawText(), replay.Body.GetRawText());
        Assert.Equal(1, await UnitsAsync(buyer, contract));
    }

    [Fact]
    public async Task A_filter_given_twice_is_refused_rather_than_half_applied()
    {
        var (_, buyer, contract) = await ActiveContractAsync(records: 10);

        var response = await buyer.Client.GetAsync($"/api/v1/contracts/{contract}/records?district=east&district=west");

        var problem = await MarketplaceDriver.Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal("filter.repeated", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_over_long_idempotency_key_is_refused_and_nothing_is_metered()
    {
        var (_, buyer, contract) = await ActiveContractAsync(records: 10);

        var response = await buyer.Client.SendAsync(Get($"/api/v1/contracts/{contract}/records", new string('k', 201)));

        var problem = await MarketplaceDriver.Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal("idempotency-key.invalid", problem.GetProperty("code").GetString());
        Assert.Equal(0, await UnitsAsync(buyer, contract));
    }

    [Fact]
    public async Task Usage_beyond_the_bound_per_event_is_rejected_and_billing_keeps_working()
    {
        var (listing, buyer, contract) = await ActiveContractAsync(records: 10);
        var at = Host.Time.GetUtcNow();

        var huge = await ReportAsync(listing.Provider, new { eventId = "huge", contractId = contract, units = long.MaxValue, occurredAt = at });
        var one = await ReportAsync(listing.Provider, new { eventId = "one", contractId = contract, units = 1, occurredAt = at });
        var usage = await _driver.Operator.GetAsync("/api/v1/usage");
        var fetch = await buyer.Client.GetAsync($"/api/v1/contracts/{contract}/records?limit=2");

        Assert.Contains("at most", Assert.Single(huge.Rejected).Reason, StringComparison.Ordinal);
        Assert.Equal(1, one.Accepted);
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fetch.StatusCode);
        Assert.Equal(3, await UnitsAsync(buyer, contract));
    }

    [Fact]
    public async Task A_provider_event_id_in_the_namespace_of_buyers_keys_is_rejected()
    {
        var (listing, _, contract) = await ActiveContractAsync(records: 10);

        var report = await ReportAsync(listing.Provider,
            new { eventId = "idem:first-page", contractId = contract, units = 1, occurredAt = Host.Time.GetUtcNow() });

        Assert.Contains("idem:", Assert.Single(report.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_dated_before_the_contract_began_is_rejected()
    {
        var (listing, _, contract) = await ActiveContractAsync(records: 10);

        var report = await ReportAsync(listing.Provider,
            new { eventId = "early", contractId = contract, units = 1, occurredAt = Host.Time.GetUtcNow().AddDays(-2) });

        Assert.Equal(0, report.Accepted);
        Assert.Contains("before contract", Assert.Single(report.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_id_sent_again_naming_another_month_counts_once()
    {
        var (listing, buyer, contract) = await ActiveContractAsync(records: 10);
        var november = await MonthEndAsync();

        var first = await ReportAsync(listing.Provider, new { eventId = "same-id", contractId = contract, units = 7, occurredAt = november.AddHours(-1) });
        Host.Time.Advance(TimeSpan.FromHours(2));
        var again = await ReportAsync(listing.Provider, new { eventId = "same-id", contractId = contract, units = 7, occurredAt = Host.Time.GetUtcNow() });

        Assert.Equal((1, 0), (first.Accepted, first.Duplicates));
        Assert.Equal((0, 1), (again.Accepted, again.Duplicates));
        Assert.Equal(7, await UnitsAsync(buyer, contract, PeriodOf(november.AddHours(-1))));
        Assert.Equal(0, await UnitsAsync(buyer, contract, PeriodOf(Host.Time.GetUtcNow())));
    }

    [Fact]
    public async Task A_buyer_retry_with_the_same_key_after_the_month_turns_is_a_replay_and_meters_nothing()
    {
        var (_, buyer, contract) = await ActiveContractAsync(records: 10);
        var monthEnd = await MonthEndAsync();
        var url = $"/api/v1/contracts/{contract}/records?limit=4";

        var first = await FetchAsync(buyer, url, "across-months");
        Host.Time.Advance(TimeSpan.FromHours(2));
        var retry = await FetchAsync(buyer, url, "across-months");

        Assert.True(retry.Replayed);
        Assert.Equal(first.Body.GetRawText(), retry.Body.GetRawText());
        Assert.Equal(4, await UnitsAsync(buyer, contract, PeriodOf(monthEnd.AddHours(-1))));
        Assert.Equal(0, await UnitsAsync(buyer, contract, PeriodOf(Host.Time.GetUtcNow())));
    }

    /// <summary>Moves this host's clock to one hour before the end of the current billing month (Tokyo).</summary>
    private async Task<DateTimeOffset> MonthEndAsync()
    {
        var period = Domain.BillingPeriod.Containing(Host.Time.GetUtcNow(), Domain.BillingPeriod.DefaultZone);
        Host.Time.SetUtcNow(period.End.AddHours(-1));
        await Task.Yield();
        return period.End;
    }

    private static string PeriodOf(DateTimeOffset at) => Domain.BillingPeriod.Containing(at, Domain.BillingPeriod.DefaultZone).Id;

    internal async Task<(Listing Listing, Party Buyer, string ContractId)> ActiveContractAsync(int records, object? policy = null)
    {
        var listing = await _driver.ListedOfferingAsync(records, policy: policy);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        return (listing, buyer, contract.Id);
    }

    internal static HttpRequestMessage Get(string url, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    internal static async Task<(JsonElement Body, bool Replayed)> FetchAsync(Party buyer, string url, string? idempotencyKey)
    {
        using var response = await buyer.Client.SendAsync(Get(url, idempotencyKey));
        var body = await MarketplaceDriver.Ok<JsonElement>(response, HttpStatusCode.OK);
        return (body, response.Headers.TryGetValues("Idempotent-Replayed", out var v) && v.Contains("true"));
    }

    private static async Task<UsageReportResponse> ReportAsync(Party provider, params object[] events) =>
        await MarketplaceDriver.Ok<UsageReportResponse>(await provider.Client.PostAsJsonAsync("/api/v1/usage", new { events }), HttpStatusCode.OK);

    internal static async Task<long> UnitsAsync(Party buyer, string contractId, string? period = null)
    {
        var usage = await MarketplaceDriver.Ok<UsageResponse>(
            await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/usage" + (period is null ? "" : $"?period={period}")), HttpStatusCode.OK);
        return Assert.Single(usage.Items).Units;
    }
}
