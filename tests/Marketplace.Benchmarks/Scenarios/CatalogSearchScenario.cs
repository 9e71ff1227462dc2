using System.Globalization;
using Marketplace.Benchmarks.Runner;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// P3: catalog search, through the API and the rendered catalog page, over a growing catalog of generated listings,
/// on each store, against the application's search alone in the same run.
/// </summary>
internal sealed class CatalogSearchScenario : IScenario
{
    private static readonly TimeSpan MaxBudget = TimeSpan.FromSeconds(5);

    public string Id => "P3";

    public string Title => "catalog search over 100,000 generated listings";

    public async Task RunAsync(BenchContext context)
    {
        // 18 shapes a size (the search alone, the API, the page): at most 5 s each, so the full run stays near 5 minutes,
        // seeding 100,000 listings in batches of 1,000 a transaction.
        var budget = context.Duration < MaxBudget ? context.Duration : MaxBudget;
        foreach (var (store, configure) in context.Stores())
        {
            // On Cosmos a search is answered by the same in-memory index (CatalogMemory) measured at 100,000 on SQLite;
            // what stops the Cosmos run at 10,000 is seeding: the local server takes about 1,200 listings/s, so
            // 100,000 would cost about 85 s of the full run's 15 minutes.
            var sizes = store == "sqlite"
                ? Sizes(context, "MARKETPLACE_BENCH_CATALOG", "1000,100000", "300")
                : Sizes(context, "MARKETPLACE_BENCH_CATALOG_COSMOS", "1000,10000", "100");
            var data = BenchHost.NewDataDirectory();
            await using (var market = await BenchHost.StartMarketAsync(data, b => { BenchHost.Unthrottled(b); configure(b); }))
            {
                Console.WriteLine($"catalog search [{store}], sequential: the search alone in process, then the API and the page, request to last byte:");
                var seeded = 0;
                foreach (var size in sizes)
                {
                    await CatalogRender.SeedAsync(market.App.Services, seeded, size);
                    seeded = size;
                    var label = string.Create(CultureInfo.InvariantCulture, $"{store}, {size:N0}");
                    var searches = await CatalogRender.MeasureSearchAsync(market.App.Services, label, budget);
                    var api = await CatalogRender.MeasureAsync(market.Uri, label, budget, CatalogRender.ApiShapes);
                    var pages = await CatalogRender.MeasureAsync(market.Uri, label, budget, CatalogRender.Shapes);
                    for (var i = 0; i < searches.Count; i++)
                    {
                        Add(context, "catalog API", api[i], searches[i]);
                        Add(context, "catalog page", pages[i], searches[i]);
                    }
                }

                if (await CatalogRender.MeasureLoadAsync(market.App.Services) is var (seconds, cpuSeconds, bytes, listings))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  in-memory catalog [{store}, {listings:N0}]: loaded in {seconds:N2} s ({cpuSeconds:N2} s of CPU), {bytes / 1048576.0:N1} MiB ({bytes / Math.Max(1, listings):N0} B a listing)"));
                    context.Report.Add(new BenchRow(Id, string.Create(CultureInfo.InvariantCulture, $"in-memory catalog index, load at start [{store}, {listings:N0}]"),
                        seconds * 1000, "ms", PeakRssMiB: null,
                        Note: string.Create(CultureInfo.InvariantCulture,
                            $"{cpuSeconds:N2} s of CPU; holds {bytes / 1048576.0:N1} MiB of managed memory, {bytes / Math.Max(1, listings):N0} B a listing (GC heap after a full collection, before and after)")));
                }
            }
            BenchHost.DeleteDataDirectory(data);
        }
    }

    // The baseline is the application's search alone (the index query and its facets), in process, same shape, same
    // catalog: the ratio is what serialising or rendering and HTTP add to it.
    private void Add(BenchContext context, string surface, RenderResult measured, RenderResult search) =>
        context.Report.Add(new BenchRow(Id, $"{surface}, {measured.Name}", measured.P95Ms, "ms p95", measured.P50Ms,
            BaselineMeasure: "the search alone, in process (p95)", BaselineValue: search.P95Ms,
            Target: "p95 ≤ 50 ms", Met: context.Judge(measured.P95Ms <= 50),
            Note: string.Create(CultureInfo.InvariantCulture,
                $"{measured.Requests} requests, {measured.Bytes / 1024.0:N1} KB on the wire; the search alone p50 {search.P50Ms:N1} ms")));

    private static int[] Sizes(BenchContext context, string variable, string full, string quick) =>
        [.. (context.Quick ? quick : Environment.GetEnvironmentVariable(variable) ?? full)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).Where(n => n > 0).Order()];
}
