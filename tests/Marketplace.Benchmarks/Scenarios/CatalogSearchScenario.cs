using System.Globalization;
using Marketplace.Benchmarks.Runner;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>P3: the rendered catalog page over a growing catalog of generated listings, on each store.</summary>
internal sealed class CatalogSearchScenario : IScenario
{
    public string Id => "P3";

    public string Title => "catalog search over 100,000 generated listings";

    public async Task RunAsync(BenchContext context)
    {
        foreach (var (store, configure) in context.Stores())
        {
            // The local Cosmos server answers a search by sending every hit, seconds a page at 10,000: it stops there.
            var sizes = store == "sqlite"
                ? Sizes(context, "MARKETPLACE_BENCH_CATALOG", "1000,100000", "300")
                : Sizes(context, "MARKETPLACE_BENCH_CATALOG_COSMOS", "1000,10000", "100");
            var data = BenchHost.NewDataDirectory();
            await using (var market = await BenchHost.StartMarketAsync(data, b => { BenchHost.Unthrottled(b); configure(b); }))
            {
                Console.WriteLine($"catalog page render [{store}], sequential, request to last byte:");
                var seeded = 0;
                foreach (var size in sizes)
                {
                    await CatalogRender.SeedAsync(market.App.Services, seeded, size);
                    seeded = size;
                    foreach (var render in await CatalogRender.MeasureAsync(market.Uri, string.Create(CultureInfo.InvariantCulture, $"{store}, {size:N0}"), context.Duration))
                    {
                        context.Report.Add(new BenchRow(Id, $"catalog page, {render.Name}", render.P95Ms, "ms p95", render.P50Ms,
                            Target: "p95 ≤ 50 ms", Met: context.Judge(render.P95Ms <= 50),
                            Note: string.Create(CultureInfo.InvariantCulture, $"{render.Requests} requests, {render.Bytes / 1024.0:N1} KB on the wire")));
                    }
                }
            }
            BenchHost.DeleteDataDirectory(data);
        }
    }

    private static int[] Sizes(BenchContext context, string variable, string full, string quick) =>
        [.. (context.Quick ? quick : Environment.GetEnvironmentVariable(variable) ?? full)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).Where(n => n > 0).Order()];
}
