using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Catalog;
using Marketplace.Host.Features.Contracts;
using Marketplace.Application.Usage;

namespace Marketplace.Host.Tests;

/// <summary>The whole flow through the public API; runs on each store.</summary>
public abstract class EndToEndFlowTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    [Fact]
    public async Task Provider_lists_buyer_finds_subscribes_provider_approves_buyer_fetches_and_usage_equals_records_served()
    {
        // Provider lists a priced dataset that needs approval.
        var listing = await _driver.ListedOfferingAsync(records: 2_345, approval: "provider");
        var buyer = await _driver.CreatePartyAsync("buyer");

        // Buyer finds it in the catalog.
        var catalog = await MarketplaceDriver.Ok<CatalogResponse>(
            await buyer.Client.GetAsync($"/api/v1/catalog?q=bus&provider={listing.Provider.Id}"), HttpStatusCode.OK);
        var item = Assert.Single(catalog.Items);
        Assert.Equal(listing.OfferingId, item.OfferingId);
        Assert.Equal("per-unit", item.PriceModel);

        // Subscribes; the provider approves.
        var requested = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        Assert.Equal("requested", requested.Status);
        var blocked = await buyer.Client.GetAsync($"/api/v1/contracts/{requested.Id}/records");
        await MarketplaceDriver.Problem(blocked, HttpStatusCode.Forbidden);
        var pending = await MarketplaceDriver.Ok<ContractListResponse>(
            await listing.Provider.Client.GetAsync("/api/v1/contracts?status=requested"), HttpStatusCode.OK);
        Assert.Contains(pending.Items, c => c.Id == requested.Id);
        var approved = await MarketplaceDriver.Ok<ContractResponse>(
            await listing.Provider.Client.PostAsync($"/api/v1/contracts/{requested.Id}/approve", null), HttpStatusCode.OK);
        Assert.Equal("active", approved.Status);

        // Buyer pages through everything, replaying every page once with the same Idempotency-Key.
        var served = 0;
        var seen = new HashSet<string>();
        string? cursor = null;
        var page = 0;
        do
        {
            var key = $"page-{requested.Id}-{page++}";
            var url = $"/api/v1/contracts/{requested.Id}/records?limit=500" + (cursor is null ? "" : $"&cursor={cursor}");
            var first = await GetPage(buyer.Client, url, key);
            var replay = await GetPage(buyer.Client, url, key);
            Assert.Equal(first.GetRawText(), replay.GetRawText());
            foreach (var record in first.GetProperty("records").EnumerateArray())
            {
                Assert.True(seen.Add(record.GetProperty("stop_id").GetString()!), "no record is served twice");
            }
            served += first.GetProperty("count").GetInt32();
            cursor = first.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(2_345, served);

        // Usage equals records served: replays were not metered again.
        var usage = await MarketplaceDriver.Ok<UsageResponse>(
            await buyer.Client.GetAsync($"/api/v1/contracts/{requested.Id}/usage"), HttpStatusCode.OK);
        var line = Assert.Single(usage.Items);
        Assert.Equal(2_345, line.Units);
        Assert.Equal("2026-11", usage.Period);
        Assert.Equal(2_345 * 2, line.Charge.MinorUnits);
        Assert.Equal("JPY", line.Charge.Currency);

        // The provider sees the same usage on its offering.
        var providerView = await MarketplaceDriver.Ok<UsageResponse>(
            await listing.Provider.Client.GetAsync("/api/v1/usage"), HttpStatusCode.OK);
        Assert.Equal(2_345, Assert.Single(providerView.Items, i => i.ContractId == requested.Id).Units);
    }

    [Fact]
    public async Task Concurrent_replays_of_one_idempotency_key_meter_the_page_once()
    {
        var listing = await _driver.ListedOfferingAsync(records: 50);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var pages = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            GetPage(buyer.Client, $"/api/v1/contracts/{contract.Id}/records?limit=10", "same-key")));

        Assert.All(pages, p => Assert.Equal(pages[0].GetRawText(), p.GetRawText()));
        var usage = await MarketplaceDriver.Ok<UsageResponse>(
            await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/usage"), HttpStatusCode.OK);
        Assert.Equal(10, usage.Items[0].Units);
        Assert.Equal(1, usage.Items[0].Events);
    }

    [Fact]
    public async Task A_new_revision_is_read_from_the_start_while_paging_stays_on_its_revision_until_it_is_retired()
    {
        var listing = await _driver.ListedOfferingAsync(records: 30);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var first = await GetPage(buyer.Client, $"/api/v1/contracts/{contract.Id}/records?limit=10", null);
        var oldRevision = first.GetProperty("revisionId").GetString();
        var cursor = first.GetProperty("nextCursor").GetString();

        await MarketplaceDriver.UploadCsvAsync(listing.Provider, listing.DatasetId, MarketplaceDriver.BusStopsCsv(5));
        var fresh = await GetPage(buyer.Client, $"/api/v1/contracts/{contract.Id}/records?limit=10", null);
        var continued = await GetPage(buyer.Client, $"/api/v1/contracts/{contract.Id}/records?limit=10&cursor={cursor}", null);
        (await listing.Provider.Client.PostAsync($"/api/v1/datasets/{listing.DatasetId}/revisions/{oldRevision}/retire", null)).EnsureSuccessStatusCode();
        var retired = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=10&cursor={cursor}");

        Assert.Equal(5, fresh.GetProperty("count").GetInt32());
        Assert.Equal(oldRevision, continued.GetProperty("revisionId").GetString());
        Assert.Equal(10, continued.GetProperty("count").GetInt32());
        await MarketplaceDriver.Problem(retired, System.Net.HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_retry_whose_cursor_revision_was_retired_since_returns_the_page_first_answered()
    {
        var listing = await _driver.ListedOfferingAsync(records: 30);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var start = await GetPage(buyer.Client, $"/api/v1/contracts/{contract.Id}/records?limit=10", null);
        var url = $"/api/v1/contracts/{contract.Id}/records?limit=10&cursor={start.GetProperty("nextCursor").GetString()}";
        var first = await GetPage(buyer.Client, url, "retry-after-retire");

        await MarketplaceDriver.UploadCsvAsync(listing.Provider, listing.DatasetId, MarketplaceDriver.BusStopsCsv(5));
        (await listing.Provider.Client.PostAsync($"/api/v1/datasets/{listing.DatasetId}/revisions/{start.GetProperty("revisionId").GetString()}/retire", null))
            .EnsureSuccessStatusCode();
        var retry = await GetPage(buyer.Client, url, "retry-after-retire");

        Assert.Equal(first.GetRawText(), retry.GetRawText());
    }

    [Fact]
    public async Task A_retry_after_a_new_revision_was_published_returns_the_page_first_answered()
    {
        var listing = await _driver.ListedOfferingAsync(records: 30);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var url = $"/api/v1/contracts/{contract.Id}/records?limit=10";
        var first = await GetPage(buyer.Client, url, "retry-me");

        await MarketplaceDriver.UploadCsvAsync(listing.Provider, listing.DatasetId, MarketplaceDriver.BusStopsCsv(5));
        var retry = await GetPage(buyer.Client, url, "retry-me");

        Assert.Equal(first.GetRawText(), retry.GetRawText());
    }

    [Fact]
    public async Task Filters_select_records_by_field_value()
    {
        var listing = await _driver.ListedOfferingAsync(records: 40);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var page = await GetPage(buyer.Client, $"/api/v1/contracts/{contract.Id}/records?district=east&limit=100", null);

        Assert.Equal(20, page.GetProperty("count").GetInt32());
        Assert.All(page.GetProperty("records").EnumerateArray(), r => Assert.Equal("east", r.GetProperty("district").GetString()));
    }

    [Fact]
    public async Task Quota_shortens_the_last_page_then_answers_429_with_the_renewal_date()
    {
        var listing = await _driver.ListedOfferingAsync(records: 100,
            policy: new { purposes = new[] { "research" }, maxUnitsPerPeriod = 25 });
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var first = await GetPage(buyer.Client, $"/api/v1/contracts/{contract.Id}/records?limit=20", null);
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await GetPage(buyer.Client, $"/api/v1/contracts/{contract.Id}/records?limit=20&cursor={cursor}", null);
        var third = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=20&cursor={second.GetProperty("nextCursor").GetString()}");

        Assert.Equal(5, second.GetProperty("count").GetInt32());
        var problem = await MarketplaceDriver.Problem(third, HttpStatusCode.TooManyRequests);
        Assert.Contains("2026-12-01", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_reported_usage_is_idempotent_and_rejects_foreign_contracts_per_event()
    {
        var listing = await _driver.ListedOfferingAsync(records: 5);
        var other = await _driver.ListedOfferingAsync(records: 5);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var mine = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var theirs = await MarketplaceDriver.SubscribeAsync(buyer, other.OfferingId, "research");
        var at = fixture.Factory.Time.GetUtcNow().AddMinutes(-5);
        var report = new
        {
            events = new object[]
            {
                new { eventId = "e-1", contractId = mine.Id, units = 7, occurredAt = at },
                new { eventId = "e-2", contractId = mine.Id, units = 3, occurredAt = at },
                new { eventId = "e-1", contractId = mine.Id, units = 7, occurredAt = at },
                new { eventId = "e-3", contractId = theirs.Id, units = 1, occurredAt = at },
                new { eventId = "e-4", contractId = mine.Id, units = -1, occurredAt = at },
            },
        };

        var first = await MarketplaceDriver.Ok<UsageReportResponse>(
            await listing.Provider.Client.PostAsJsonAsync("/api/v1/usage", report), HttpStatusCode.OK);
        var again = await MarketplaceDriver.Ok<UsageReportResponse>(
            await listing.Provider.Client.PostAsJsonAsync("/api/v1/usage", report), HttpStatusCode.OK);

        Assert.True(2 == first.Accepted, string.Join("; ", first.Rejected.Select(r => r.Reason)));
        Assert.Equal(1, first.Duplicates);
        Assert.Equal([3, 4], first.Rejected.Select(r => r.Index));
        Assert.Equal(0, again.Accepted);
        var usage = await MarketplaceDriver.Ok<UsageResponse>(
            await buyer.Client.GetAsync($"/api/v1/contracts/{mine.Id}/usage"), HttpStatusCode.OK);
        Assert.Equal(10, usage.Items[0].Units);
    }

    private static async Task<JsonElement> GetPage(HttpClient client, string url, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

[Collection(MarketplaceCollection.Name)]
public sealed class SqliteEndToEndFlowTests(MarketplaceFixture fixture) : EndToEndFlowTests(fixture);

[Collection(CosmosMarketplaceCollection.Name)]
public sealed class CosmosEndToEndFlowTests(CosmosMarketplaceFixture fixture) : EndToEndFlowTests(fixture);
