using System.Diagnostics;
using System.Globalization;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Benchmarks;

/// <summary>
/// Whether listing gets slower as the catalog grows: one provider creates datasets and offers each (grain state +
/// holdings index writes), and the rate of the first <see cref="Window"/> listings is compared with the rate of the
/// last ones. With lists in the provider's grain state (before issue 6) every listing rewrote the whole list, so the
/// rate fell with the count; with the index it stays flat. Then a page of the provider's datasets is read at the end.
/// </summary>
public static class ListingGrowth
{
    private const int Window = 1_000;
    private const int Concurrency = 16;
    private const int ListPagingSize = 50;

    public static async Task MeasureAsync(IServiceProvider services, int total)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var holdings = services.GetRequiredService<IHoldingsIndex>();
        const string Provider = "bench-provider";
        var rates = new List<(int Upto, double PerSecond)>();
        var clock = Stopwatch.StartNew();
        var windowStart = clock.Elapsed;
        var windowFirst = 0;
        for (var created = 0; created < total;)
        {
            // Batches never cross a window's end, so every window holds exactly Window listings (the last one fewer).
            var batch = Math.Min(Concurrency, Math.Min(total, windowFirst + Window) - created);
            await Task.WhenAll(Enumerable.Range(created, batch).Select(i => CreateListingAsync(grains, Provider, i)));
            created += batch;
            if (created - windowFirst == Window || created == total)
            {
                rates.Add((created, (created - windowFirst) / (clock.Elapsed - windowStart).TotalSeconds));
                windowStart = clock.Elapsed;
                windowFirst = created;
            }
        }

        var first = rates[0];
        var last = rates[^1];
        var pageClock = Stopwatch.StartNew();
        var page = await holdings.ListDatasetsAsync(Provider, null, ListPagingSize);
        var pageMs = pageClock.Elapsed.TotalMilliseconds;
        var milestones = rates.Where((r, i) => i == 0 || i == 1 || r.Upto % (10 * Window) == 0 || i == rates.Count - 1)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"to {r.Upto:N0}: {r.PerSecond:N0}/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"listing growth [{total:N0} listings, dataset + offering each, {Concurrency} concurrent], listings per second by window: {string.Join("; ", milestones)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  last window / first = {last.PerSecond / first.PerSecond:P0} (the first includes warm-up); slowest {rates.Min(r => r.PerSecond):N0}/s; "
            + $"a page of {page.Items.Count} of the provider's datasets read in {pageMs:N1} ms"));
    }

    private static async Task CreateListingAsync(IGrainFactory grains, string provider, int i)
    {
        var dataset = string.Create(CultureInfo.InvariantCulture, $"growth-ds-{i:D6}");
        await grains.GetGrain<IDatasetGrain>(dataset).Create(provider, Definition);
        await grains.GetGrain<IOfferingGrain>(string.Create(CultureInfo.InvariantCulture, $"growth-off-{i:D6}")).Create(provider, new OfferingDefinition(
            dataset, "", "", PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), UsagePolicy.Open, OfferingVisibility.Public, [], ApprovalMode.Automatic));
    }

    private static readonly DatasetDefinition Definition = new(DatasetClass.Private,
        new DatasetMetadata("Growth", "A dataset of the listing growth benchmark.", [], [], "Bench", "proprietary", null, null, null, null, "ja"),
        new DatasetSchema([new SchemaField("stop_id", FieldType.String, true)], null));
}
