using System.Net;
using System.Net.Http.Json;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Features.Billing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

/// <summary>A rehearsal marketplace's test clock: the operator moves business time forward, never back, and it stays moved.</summary>
public sealed class TestClockTests
{
    private static MarketplaceFactory Rehearsal(string? dataDirectory = null)
    {
        MarketplaceFactory? factory = null;
        factory = new MarketplaceFactory(dataDirectory, settings: new Dictionary<string, string>
        {
            ["Marketplace:TestClock:Enabled"] = "true",
            ["Marketplace:Jobs:RunServer"] = "false",
        })
        {
            // The test clock runs on the factory's fake wall clock, so the test decides what "now" is.
            ConfigureServices = services =>
            {
                var clock = new TestClock(factory!.Time, factory.DataDirectory);
                services.Replace(ServiceDescriptor.Singleton(clock));
                services.Replace(ServiceDescriptor.Singleton(new BillingCalendar(clock, BillingPeriod.DefaultZone)));
            },
        };
        return factory;
    }

    [Fact]
    public async Task The_operator_moves_business_time_past_a_month_end_and_closes_the_month()
    {
        await using var factory = Rehearsal();
        var client = factory.ClientWithKey(factory.OperatorKey);

        var moved = await Ok<TestClockResponse>(await client.PostAsJsonAsync("/api/v1/test-clock/advance", new { to = "2026-12-01T01:05:00+09:00" }), HttpStatusCode.OK);

        Assert.Equal(("2026-12", "2026-12-01T01:05:00+09:00"), (moved.CurrentPeriod, moved.NowInBillingZone));
        await Ok<PeriodCloseResponse>(await client.PostAsync("/api/v1/billing/periods/2026-11/close", null), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_test_clock_never_goes_back()
    {
        await using var factory = Rehearsal();
        var client = factory.ClientWithKey(factory.OperatorKey);

        await Problem(await client.PostAsJsonAsync("/api/v1/test-clock/advance", new { to = "2026-11-01T00:00:00+09:00" }), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsJsonAsync("/api/v1/test-clock/advance", new { }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Business_time_stays_moved_across_a_restart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        await using (var first = Rehearsal(directory))
        {
            await Ok<TestClockResponse>(await first.ClientWithKey(first.OperatorKey).PostAsJsonAsync("/api/v1/test-clock/advance", new { to = "2026-12-15T00:00:00+09:00" }), HttpStatusCode.OK);
        }
        await using var second = Rehearsal(directory);

        var clock = await Ok<TestClockResponse>(await second.ClientWithKey(second.OperatorKey).GetAsync("/api/v1/test-clock"), HttpStatusCode.OK);

        Assert.Equal("2026-12", clock.CurrentPeriod);
    }

    [Fact]
    public async Task Only_the_operator_may_move_it_and_it_is_absent_when_off()
    {
        await using var rehearsal = Rehearsal();
        var buyer = await new MarketplaceDriver(rehearsal).CreatePartyAsync("buyer");
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.Client.PostAsJsonAsync("/api/v1/test-clock/advance", new { to = "2026-12-15T00:00:00+09:00" })).StatusCode);

        await using var production = new MarketplaceFactory();
        Assert.Equal(HttpStatusCode.NotFound, (await production.ClientWithKey(production.OperatorKey).GetAsync("/api/v1/test-clock")).StatusCode);
    }

    [Fact]
    public async Task The_operator_moves_the_test_clock_from_the_billing_page()
    {
        await using var factory = Rehearsal();
        var driver = new MarketplaceDriver(factory);
        var person = await driver.EnrolPersonAsync("operator");
        var browser = await new Web.PageSession(factory).SignedInAsync(person.SignIn, person.OneTimePassword);

        var moved = await browser.PostFormAsync("/console/operator/billing", "test-clock", new Dictionary<string, string> { ["To"] = "2026-12-01T01:05" });
        var page = await moved.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("2026-12", factory.Services.GetRequiredService<BillingCalendar>().CurrentPeriod().Id);
        Assert.Contains("id=\"test-clock-now\"", page, StringComparison.Ordinal);
        var back = await browser.PostFormAsync("/console/operator/billing", "test-clock", new Dictionary<string, string> { ["To"] = "2026-11-20T00:00" });
        Assert.Contains("only moves forward", await back.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_clock_reads_its_offset_from_the_data_directory()
    {
        var directory = Directory.CreateTempSubdirectory().FullName;
        var wall = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        new TestClock(wall, directory).AdvanceTo(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(TimeSpan.FromDays(2), new TestClock(wall, directory).Offset);
    }
}
