using System.Globalization;
using Marketplace.Application.Telemetry;
using Marketplace.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.Operate;

/// <summary>
/// Orleans, ASP.NET Core and our own meter are created per host (IMeterFactory), so a process that holds two hosts
/// (tests, or two silos side by side) has two meters of each name: a host's scrape must hold its own series only,
/// and must keep them when the other host stops.
/// </summary>
public sealed class ScrapeIsolationTests
{
    [Fact]
    public async Task A_host_scrapes_its_own_series_only_and_keeps_them_when_another_host_in_the_process_stops()
    {
        var first = new ScrapeFixture();
        var second = new ScrapeFixture();
        await first.InitializeAsync();
        await second.InitializeAsync();
        try
        {
            await first.Driver.CreatePartyAsync("buyer");
            first.Factory.Services.GetRequiredService<MarketplaceMetrics>().RecordsServed(DatasetClass.Personal, 3);
            second.Factory.Services.GetRequiredService<MarketplaceMetrics>().RecordsServed(DatasetClass.Personal, 5);

            Assert.Equal(5, PersonalRecordsServed(await ScrapeAsync(second)));
            Assert.Equal(3, PersonalRecordsServed(await ScrapeAsync(first)));

            await first.DisposeAsync();
            await second.Driver.CreatePartyAsync("buyer");
            second.Factory.Services.GetRequiredService<MarketplaceMetrics>().RecordsServed(DatasetClass.Personal, 1);

            var exposition = await ScrapeAsync(second);
            Assert.Equal(6, PersonalRecordsServed(exposition));
            Assert.Contains("\norleans_catalog_activations", exposition, StringComparison.Ordinal);
            Assert.Contains("\norleans_app_requests_latency_milliseconds_bucket", exposition, StringComparison.Ordinal);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    private static async Task<string> ScrapeAsync(ScrapeFixture host)
    {
        using var response = await host.ClientFrom("127.0.0.1").GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static long PersonalRecordsServed(string exposition)
    {
        var line = Assert.Single(exposition.Split('\n'),
            l => l.StartsWith("marketplace_records_served_total{", StringComparison.Ordinal) && l.Contains("dataset_class=\"personal\"", StringComparison.Ordinal));
        return long.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
