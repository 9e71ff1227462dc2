using System.Globalization;
using Marketplace.Benchmarks.Runner;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>X-cluster: brokered fetches on a cluster of one host and of three (real processes, redis-server, the local Cosmos server).</summary>
internal sealed class ClusterScenario : IScenario
{
    public string Id => "X-cluster";

    public string Title => "brokered fetches on one host and on a cluster of three";

    public bool InDefaultRun => false;

    public async Task RunAsync(BenchContext context)
    {
        foreach (var result in await ClusterBench.RunAsync(context.Duration))
        {
            context.Report.Add(new BenchRow(Id, result.Name, result.RequestsPerSecond, "req/s", result.P50Ms, result.P99Ms,
                Note: result.Failures > 0 ? $"{result.Failures:N0} requests failed" : null));
        }
    }
}

/// <summary>X-harvest: another city's catalog of N datasets harvested, again unchanged, and after a tenth changed.</summary>
internal sealed class HarvestScenario : IScenario
{
    public string Id => "X-harvest";

    public string Title => "harvesting another city's catalog";

    public bool InDefaultRun => false;

    public async Task RunAsync(BenchContext context)
    {
        var datasets = context.Size("MARKETPLACE_BENCH_HARVEST", 1_000, 50);
        foreach (var kind in new[] { "ckan", "dcat" })
        {
            var version = 0;
            var data = BenchHost.NewDataDirectory();
            await using (var source = await BenchHost.StartAsync(b => b.Logging.SetMinimumLevel(LogLevel.Warning), app => HarvestBench.MapSource(app, datasets, () => version)))
            await using (var market = await BenchHost.StartMarketAsync(data, b => b.Configuration["Marketplace:Jobs:RunServer"] = "false"))
            {
                var r = await HarvestBench.RunAsync(market.Uri, data, source.Uri, kind, datasets, () => version++);
                Console.WriteLine(HarvestBench.Describe(r));
                context.Report.Add(new BenchRow(Id, string.Create(CultureInfo.InvariantCulture, $"first harvest of {datasets:N0} datasets [{kind}]"), r.FirstSeconds, "s",
                    Note: string.Create(CultureInfo.InvariantCulture, $"unchanged re-run {r.UnchangedSeconds:N2} s, a tenth changed {r.TenthChangedSeconds:N2} s, {r.Errors} errors")));
            }
            BenchHost.DeleteDataDirectory(data);
        }
    }
}

/// <summary>X-listing-growth: whether listing gets slower as one provider's catalog grows (issue 6).</summary>
internal sealed class ListingGrowthScenario : IScenario
{
    public string Id => "X-listing-growth";

    public string Title => "listing rate as the catalog grows";

    public bool InDefaultRun => false;

    public async Task RunAsync(BenchContext context)
    {
        var listings = context.Size("MARKETPLACE_BENCH_LISTINGS", 50_000, 2_000);
        var data = BenchHost.NewDataDirectory();
        await using (var market = await BenchHost.StartMarketAsync(data, BenchHost.Unthrottled))
        {
            await ListingGrowth.MeasureAsync(market.App.Services, listings);
        }
        BenchHost.DeleteDataDirectory(data);
    }
}
