using System.Net;
using Marketplace.Application.Telemetry;
using Marketplace.Domain;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Marketplace.Host.Tests.Operate;

/// <summary>The scrape as Prometheus reads it: parsed and linted by promtool.</summary>
public sealed class ScrapeLintTests(ScrapeFixture fixture, ITestOutputHelper output) : IClassFixture<ScrapeFixture>
{
    [Fact]
    public async Task The_scrape_passes_promtool_apart_from_the_known_lint_of_Orleans_own_series()
    {
        var exposition = await ScrapeWithEveryInstrumentAsync();

        var (exitCode, lines) = await Promtool.CheckMetricsAsync(exposition);

        foreach (var line in lines)
        {
            output.WriteLine(line);
        }
        Assert.Contains(exitCode, new[] { 0, 3 }); // 3: lint problems only; anything else is a parse error
        var unexpected = lines.Where(l => !IsKnownOrleansLint(l)).ToList();
        Assert.True(unexpected.Count == 0, "promtool found:\n" + string.Join('\n', unexpected));
    }

    private async Task<string> ScrapeWithEveryInstrumentAsync()
    {
        var metrics = fixture.Factory.Services.GetRequiredService<MarketplaceMetrics>();
        metrics.RecordsServed(DatasetClass.Personal, 3);
        metrics.UsageEventsIngested(2, 1, 1);
        metrics.ConsentDenials(1);
        metrics.RateLimitRejected(byApiKey: true);
        metrics.MeasureJob(MarketplaceMetrics.PeriodCloseJob).Done();
        metrics.ObserveOutbox(new OutboxBacklog(4, TimeSpan.FromSeconds(90)));
        // Requests through ASP.NET Core and grain calls through Orleans, so that their series are there too.
        await fixture.Driver.CreatePartyAsync("buyer");
        using var response = await fixture.ClientFrom("127.0.0.1").GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var exposition = await response.Content.ReadAsStringAsync();
        Assert.Contains("\norleans_", exposition, StringComparison.Ordinal);
        return exposition;
    }

    [Fact]
    public async Task Every_marketplace_series_is_in_the_scrape_with_help_text_and_base_units()
    {
        var exposition = await ScrapeWithEveryInstrumentAsync();

        string[] series =
        [
            "marketplace_records_served_total", "marketplace_usage_events_ingested_total", "marketplace_consent_denials_total",
            "marketplace_rate_limit_rejections_total", "marketplace_billing_job_duration_seconds", "marketplace_outbox_depth",
            "marketplace_outbox_oldest_age_seconds",
        ];
        var help = exposition.Split('\n').Where(l => l.StartsWith("# HELP marketplace_", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(series.Order(StringComparer.Ordinal), help.Order(StringComparer.Ordinal));
        Assert.Contains(",dataset_class=\"personal\"} ", exposition, StringComparison.Ordinal);
        Assert.Contains(",job=\"period_close\",outcome=\"done\",le=\"+Inf\"} ", exposition, StringComparison.Ordinal);
    }

    /// <summary>
    /// promtool 2.42 flags Orleans' own series for missing help text and units that are not base units (milliseconds;
    /// measured here too: megabytes), and its lint cannot be turned off: exactly those messages, for series named
    /// orleans_*, are accepted, and nothing else.
    /// </summary>
    private static bool IsKnownOrleansLint(string line) =>
        line.StartsWith("orleans_", StringComparison.Ordinal)
        && (line.EndsWith(" no help text", StringComparison.Ordinal)
            || line.EndsWith(" use base unit \"seconds\" instead of \"milliseconds\"", StringComparison.Ordinal)
            || line.EndsWith(" use base unit \"bytes\" instead of \"megabytes\"", StringComparison.Ordinal));
}
