using System.Diagnostics;
using System.Globalization;
using System.Text;
using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Storage;
using Marketplace.Storage.Sqlite;

namespace Marketplace.Benchmarks;

/// <summary>
/// How long the catalog page (<c>/</c>) takes to render as the catalog grows: listings are written straight into
/// the catalog index (a grain per listing would take most of the run at 100,000; they are real listings the product
/// searches, stored as an offering's listing is), then each query shape is
/// requested one at a time on the real Kestrel port, timed from sending the request to the last byte of the page
/// (asking for Brotli or gzip as browsers do; the KB are those on the wire).
/// The listings name no offering grain, so the page shows their stored price summary: the per-listing offering
/// lookups still run (and find nothing), as do the provider-name lookups for the provider facet.
/// </summary>
public static class CatalogRender
{
    /// <summary>The query shapes: no query, a text search in each language, a facet filter, a deep page, another order.</summary>
    public static readonly (string Name, string PathAndQuery)[] Shapes =
    [
        ("no query", "/"),
        ("text search \"bus\"", "/?q=bus"),
        ("text search \"駐車場\"", "/?q=" + Uri.EscapeDataString("駐車場")),
        ("facets class + theme", "/?class=public&theme=TRAN"),
        ("page 50", "/?page=50"),
        ("newest first", "/?sort=newest"),
    ];

    /// <summary>The same shapes asked of the search API (<c>GET /api/v1/catalog</c>), which answers JSON.</summary>
    public static readonly (string Name, string PathAndQuery)[] ApiShapes =
        [.. Shapes.Select(s => (s.Name, "/api/v1/catalog" + s.PathAndQuery[1..]))];

    /// <summary>The same shapes as the application's search, which both the page and the API call first.</summary>
    public static readonly (string Name, CatalogSearch Search)[] SearchShapes =
    [
        ("no query", new CatalogSearch()),
        ("text search \"bus\"", new CatalogSearch(Text: "bus")),
        ("text search \"駐車場\"", new CatalogSearch(Text: "駐車場")),
        ("facets class + theme", new CatalogSearch(Class: DatasetClass.Public, Theme: "TRAN")),
        ("page 50", new CatalogSearch(Page: 50)),
        ("newest first", new CatalogSearch(Sort: CatalogSort.Newest)),
    ];

    private const int SeedConcurrency = 64;
    private const int SeedBatch = 1_000;
    private const int MaxRequests = 200;
    private const int MinRequests = 5;

    private static readonly (string En, string Ja, string Theme)[] Topics =
    [
        ("Bus stops", "バス停", "TRAN"), ("Parking", "駐車場", "TRAN"), ("Air quality", "大気質", "ENVI"),
        ("Population", "人口", "SOCI"), ("Water usage", "水道使用量", "ENER"), ("Traffic counts", "交通量", "TRAN"),
        ("Evacuation shelters", "避難所", "GOVE"), ("Library loans", "図書貸出", "EDUC"),
    ];

    private static readonly string[] Districts = ["Kita", "Minami", "Higashi", "Nishi", "Chuo", "Minato", "Aoba", "Sakura", "Midori", "Hikari"];

    private static readonly string[] Licences = ["CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "proprietary", "CC-BY-SA-4.0", "PDDL-1.0"];

    private static readonly string[] ExtraThemes = ["ECON", "HEAL", "REGI", "TECH", "AGRI", "JUST", "INTR", "OP_DATA"];

    /// <summary>
    /// Listings <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), written through the index: on
    /// SQLite through the same statements as any upsert, a batch of <see cref="SeedBatch"/> a transaction (one upsert a
    /// transaction took about 100 of the full bench's 15 minutes at 100,000); elsewhere one upsert at a time, 64 at once.
    /// </summary>
    public static async Task SeedAsync(IServiceProvider services, int from, int to)
    {
        var index = services.GetRequiredService<ICatalogIndex>();
        var clock = Stopwatch.StartNew();
        if (index is SqliteCatalogIndex sqlite)
        {
            for (var start = from; start < to; start += SeedBatch)
            {
                await sqlite.UpsertBatchAsync([.. Enumerable.Range(start, Math.Min(SeedBatch, to - start)).Select(ListingOf)]);
            }
        }
        else
        {
            for (var start = from; start < to; start += SeedConcurrency)
            {
                await Task.WhenAll(Enumerable.Range(start, Math.Min(SeedConcurrency, to - start)).Select(i => index.UpsertAsync(ListingOf(i))));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  seeded listings {from:N0}..{to:N0} in {clock.Elapsed.TotalSeconds:N1} s ({(to - from) / clock.Elapsed.TotalSeconds:N0}/s)"));
    }

    /// <summary>
    /// What the SQLite store's in-memory catalog costs at the size seeded: a second copy loaded from the same tables
    /// (as a host does at start), its load time and the managed memory it holds (after a full collection either side), and the CPU time the process spent meanwhile (the machine may be shared).
    /// Null on other stores.
    /// </summary>
    public static async Task<(double Seconds, double CpuSeconds, long Bytes, int Listings)?> MeasureLoadAsync(IServiceProvider services)
    {
        if (services.GetService<SqliteDatabase>() is not { } database || services.GetService<ICatalogIndex>() is not SqliteCatalogIndex)
        {
            return null;
        }
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var copy = new SqliteCatalogIndex(database);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await copy.LoadAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        var listings = (await copy.SearchAsync(new CatalogQuery(ViewerSeesAll: true, PageSize: 1))).Total;
        GC.KeepAlive(copy);
        copy.Dispose();
        return (seconds, cpuSeconds, held, (int)listings);
    }

    /// <summary>Each shape in turn, sequentially, after a short warm-up; bounded by <paramref name="budget"/> per shape.</summary>
    public static Task<IReadOnlyList<RenderResult>> MeasureAsync(Uri baseAddress, string label, TimeSpan budget) =>
        MeasureAsync(baseAddress, label, budget, Shapes);

    /// <summary>
    /// The search alone, in process, as an anonymous visitor (what the page and the API start with): the same-run
    /// baseline that shows what rendering, serialising and HTTP add.
    /// </summary>
    public static async Task<IReadOnlyList<RenderResult>> MeasureSearchAsync(IServiceProvider services, string label, TimeSpan budget)
    {
        using var scope = services.CreateScope();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogBrowsing>();
        var results = new List<RenderResult>();
        foreach (var (name, search) in SearchShapes)
        {
            long items = 0;
            for (var i = 0; i < 3; i++)
            {
                items = (await catalog.SearchAsync(null, search)).Items.Count;
            }
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            while (times.Count < MinRequests || (times.Count < MaxRequests && clock.Elapsed < budget))
            {
                var start = Stopwatch.GetTimestamp();
                await catalog.SearchAsync(null, search);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            times.Sort();
            var result = new RenderResult($"{name} [{label}]", times.Count, Percentile(times, 0.50), Percentile(times, 0.95), items);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {result.Name,-52} n={result.Requests,4} p50 {result.P50Ms,8:N1} ms  p95 {result.P95Ms,8:N1} ms  {items} listings"));
            results.Add(result);
        }
        return results;
    }

    /// <summary>Each of <paramref name="shapes"/> in turn, as <see cref="MeasureAsync(Uri, string, TimeSpan)"/>.</summary>
    public static async Task<IReadOnlyList<RenderResult>> MeasureAsync(
        Uri baseAddress, string label, TimeSpan budget, IReadOnlyList<(string Name, string PathAndQuery)> shapes)
    {
        // As a browser asks (compressed, if the host will), counting the bytes as they arrive.
        using var handler = new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br");
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip");
        var results = new List<RenderResult>();
        foreach (var (name, path) in shapes)
        {
            long bytes = 0;
            for (var i = 0; i < 3; i++)
            {
                bytes = (await FetchAsync(client, path)).Length;
            }
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            while (times.Count < MinRequests || (times.Count < MaxRequests && clock.Elapsed < budget))
            {
                var start = Stopwatch.GetTimestamp();
                await FetchAsync(client, path);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            times.Sort();
            var result = new RenderResult($"{name} [{label}]", times.Count, Percentile(times, 0.50), Percentile(times, 0.95), bytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {result.Name,-52} n={result.Requests,4} p50 {result.P50Ms,8:N1} ms  p95 {result.P95Ms,8:N1} ms  {result.Bytes / 1024.0,6:N1} KB"));
            results.Add(result);
        }
        return results;
    }

    private static async Task<byte[]> FetchAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }
        return body;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, p * sorted.Count)];

    /// <summary>
    /// Listing <paramref name="i"/>: 200 providers, 8 topics in both languages across 10 districts, one or two
    /// themes, 60% public / 30% private / 10% personal data, one in ten offered to named buyers only.
    /// </summary>
    public static CatalogListing ListingOf(int i)
    {
        var topic = Topics[i % Topics.Length];
        var district = Districts[i / Topics.Length % Districts.Length];
        var year = 2015 + (i % 11);
        var provider = string.Create(CultureInfo.InvariantCulture, $"prov-{i % 200:D3}");
        var datasetClass = (i % 10) switch { < 6 => "public", < 9 => "private", _ => "personal" };
        var (model, free, summary, minor) = (i % 4) switch
        {
            0 => ("free", true, "Free", 0L),
            1 => ("flat", false, "¥30,000 a month", 30_000L),
            2 => ("per-unit", false, "¥1 a record", 1L),
            _ => ("tiered", false, "From ¥2 a record", 2L),
        };
        var named = i % 10 == 7;
        return new CatalogListing(
            OfferingId: string.Create(CultureInfo.InvariantCulture, $"bench-off-{i:D6}"),
            DatasetId: string.Create(CultureInfo.InvariantCulture, $"bench-ds-{i:D6}"),
            ProviderId: provider,
            ProviderName: string.Create(CultureInfo.InvariantCulture, $"Provider {i % 200:D3}"),
            Title: string.Create(CultureInfo.InvariantCulture, $"{topic.En} {topic.Ja} {district} {year} #{i}"),
            Description: string.Create(CultureInfo.InvariantCulture,
                $"{topic.En} of {district} ward for {year}, collected by the city and updated monthly. {topic.Ja}のデータ。"),
            Keywords: [topic.En.ToLowerInvariant(), district.ToLowerInvariant(), year.ToString(CultureInfo.InvariantCulture)],
            Themes: i % 3 == 0 ? [topic.Theme, ExtraThemes[i % ExtraThemes.Length]] : [topic.Theme],
            DatasetClass: datasetClass,
            PriceModel: model,
            IsFree: free,
            PriceSummary: summary,
            IsPublic: !named,
            VisibleToBuyers: named ? [string.Create(CultureInfo.InvariantCulture, $"buyer-{i % 50:D2}")] : [],
            Licence: Licences[i % Licences.Length],
            UpdatedAt: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i),
            PriceMinor: minor);
    }
}

public sealed record RenderResult(string Name, int Requests, double P50Ms, double P95Ms, long Bytes);
