using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Telemetry;
using Marketplace.Host.Tests.Consent;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Host.Tests.Operate;

/// <summary>Each of the marketplace's instruments is recorded where its event happens, once.</summary>
public sealed class InstrumentationTests(MarketplaceFixture fixture) : IClassFixture<MarketplaceFixture>
{
    [Fact]
    public async Task A_brokered_page_counts_its_records_as_served_under_its_dataset_class()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 7);
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        using var log = new MeasurementLog(fixture.Factory.Services);

        using var response = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, log.Sum("marketplace.records.served", "dataset_class", "private"));
    }

    [Fact]
    public async Task Personal_records_left_out_by_consent_count_as_consent_denials_and_are_not_served()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 3);
        await world.ConsentAsync(world.Residents[0]);
        using var log = new MeasurementLog(fixture.Factory.Services);

        var (records, _) = await world.FetchAsync();

        Assert.Single(records);
        Assert.Equal(2, log.Sum("marketplace.consent.denials"));
        Assert.Equal(1, log.Sum("marketplace.records.served", "dataset_class", "personal"));
    }

    [Fact]
    public async Task A_usage_report_counts_its_events_by_outcome()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 1);
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var at = fixture.Factory.Time.GetUtcNow();
        using var log = new MeasurementLog(fixture.Factory.Services);

        using var response = await listing.Provider.Client.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new object[]
            {
                new { eventId = "e-1", contractId = contract.Id, units = 7, occurredAt = at },
                new { eventId = "e-2", contractId = contract.Id, units = 3, occurredAt = at },
                new { eventId = "e-1", contractId = contract.Id, units = 7, occurredAt = at },
                new { eventId = "e-3", contractId = "no-such-contract", units = 1, occurredAt = at },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, log.Sum("marketplace.usage.events.ingested", "outcome", "accepted"));
        Assert.Equal(1, log.Sum("marketplace.usage.events.ingested", "outcome", "duplicate"));
        Assert.Equal(1, log.Sum("marketplace.usage.events.ingested", "outcome", "rejected"));
    }

    [Fact]
    public async Task The_outbox_gauges_show_the_pending_messages_and_the_age_of_the_oldest_as_sampled_from_the_outbox()
    {
        var now = fixture.Factory.Time.GetUtcNow();
        var outbox = fixture.Factory.Services.GetRequiredService<IOutbox>();
        // Of a kind no sweeper takes, and due long after the test: it stays pending.
        await outbox.EnqueueAsync(new OutboxMessage(MarketplaceDriver.UniqueId("msg"), "h2-test", "{}", MarketplaceDriver.UniqueId("idem"),
            now - TimeSpan.FromMinutes(90), now + TimeSpan.FromDays(3650)));
        var sampler = fixture.Factory.Services.GetServices<IHostedService>().OfType<OutboxSampler>().Single();
        using var log = new MeasurementLog(fixture.Factory.Services);

        await sampler.SampleAsync();
        log.Observe();

        Assert.True(log.Last("marketplace.outbox.depth") >= 1);
        Assert.True(log.Last("marketplace.outbox.oldest.age") >= TimeSpan.FromMinutes(90).TotalSeconds);
    }

    [Fact]
    public async Task A_period_close_records_its_duration_once()
    {
        using var log = new MeasurementLog(fixture.Factory.Services);

        using var response = await fixture.Driver.Operator.PostAsync("/api/v1/billing/periods/2026-10/close", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, log.Count("marketplace.billing.job.duration", "job", "period_close"));
    }
}

/// <summary>A host whose per-address limit is one request, so that the second is refused.</summary>
public sealed class RateLimitInstrumentationTests : IAsyncLifetime
{
    private readonly MarketplaceFactory _factory = new(settings: new Dictionary<string, string>
    {
        ["Marketplace:RateLimits:PerAddress:Burst"] = "1",
        ["Marketplace:RateLimits:PerAddress:TokensPerPeriod"] = "1",
        ["Marketplace:RateLimits:PerAddress:Period"] = "01:00:00",
    });

    public Task InitializeAsync()
    {
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_request_refused_by_the_rate_limiter_counts_as_a_rejection_by_address()
    {
        using var log = new MeasurementLog(_factory.Services);
        var client = _factory.CreateClient();

        using var first = await client.GetAsync("/api/v1/catalog");
        using var second = await client.GetAsync("/api/v1/catalog");

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(1, log.Sum("marketplace.rate_limit.rejections", "partition", "address"));
    }
}
