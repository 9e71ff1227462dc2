using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Marketplace.Benchmarks;
using static Marketplace.Benchmarks.BenchHttp;
using Marketplace.Host;

// build.ps1 bench: brokered, metered access against bare Kestrel on the same machine, plus provider usage ingest.
var duration = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10);
// Listings the growth stage creates (issue 6: the 50,000th must cost what the 50th did); 0 skips it.
var listings = int.Parse(Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_LISTINGS") ?? "50000", CultureInfo.InvariantCulture);
// Catalog sizes the catalog page is rendered at (ascending; "0" skips it), and "catalog" to run only that stage.
// The local Cosmos server answers a search by sending every hit, seconds a page at 10,000: it stops there.
var catalogSizes = Sizes("MARKETPLACE_BENCH_CATALOG", "1000,100000");
var cosmosCatalogSizes = Sizes("MARKETPLACE_BENCH_CATALOG_COSMOS", "1000,10000");
var catalogOnly = Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_ONLY") == "catalog";
// "billing" runs only the period-close stage; its sizes are "contracts:events" pairs.
var billingOnly = Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_ONLY") == "billing";
var closeSizes = (Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_CLOSE") ?? "10:1000,1000:1000000")
    .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')).Select(p => (Contracts: int.Parse(p[0], CultureInfo.InvariantCulture), Events: long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
// Usage events a period's reconciliation is timed over (issue 9: 1,000,000 under 10 s); "reconciliation" runs only that stage.
var reconciliationEvents = int.Parse(Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_RECONCILIATION_EVENTS") ?? "1000000", CultureInfo.InvariantCulture);
if (Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_ONLY") == "reconciliation")
{
    await MeasureReconciliationAsync();
    return;
}
const int Connections = 32;
var results = new List<LoadResult>();
var renders = new List<RenderResult>();
var cosmosEndpoint = Environment.GetEnvironmentVariable("MARKETPLACE_COSMOS_ENDPOINT");
void OnCosmos(WebApplicationBuilder b)
{
    b.Configuration["Marketplace:Store"] = "Cosmos";
    b.Configuration["Marketplace:Cosmos:Endpoint"] = cosmosEndpoint;
    b.Configuration["Marketplace:Cosmos:Key"] = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DUuiBxGfrNeXsyl9RcfFB+7wyDHBAcSe9H5RAyKUKCkMVA==";
    b.Configuration["Marketplace:Cosmos:Database"] = $"bench-{Guid.NewGuid():N}";
    b.Configuration["Marketplace:Cosmos:AcceptAnyServerCertificate"] = "true";
}

if (Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_ONLY") == "cluster")
{
    Console.WriteLine("cluster [cosmos (local server) + redis], the same brokered fetch on one host and on three, same run:");
    foreach (var result in await Marketplace.Benchmarks.ClusterBench.RunAsync(duration))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {result.Name}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50Ms:N1} ms, p99 {result.P99Ms:N1} ms, {result.Failures} failed"));
    }
    return;
}

// h4 (issue 12): harvesting a source of N datasets (MARKETPLACE_BENCH_HARVEST, default 1,000); "harvest" runs only that stage.
if (Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_ONLY") == "harvest")
{
    var datasets = int.Parse(Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_HARVEST") ?? "1000", CultureInfo.InvariantCulture);
    Console.WriteLine("harvest [sqlite], another city's catalog of N datasets harvested, again, and after a tenth changed:");
    foreach (var kind in new[] { "ckan", "dcat" })
    {
        var version = 0;
        var data = Path.Combine(Path.GetTempPath(), "marketplace-bench", Guid.NewGuid().ToString("N"));
        await using (var source = await StartAsync(b => b.Logging.SetMinimumLevel(LogLevel.Warning), app => HarvestBench.MapSource(app, datasets, () => version)))
        await using (var market = await StartMarketAsync(data, b => b.Configuration["Marketplace:Jobs:RunServer"] = "false"))
        {
            Console.WriteLine(HarvestBench.Describe(await HarvestBench.RunAsync(market.Uri, data, source.Uri, kind, datasets, () => version++)));
        }
        Directory.Delete(data, recursive: true);
    }
    return;
}

if (Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_ONLY") == "consent")
{
    await MeasureConsentAsync();
    return;
}

// 1. Baseline: bare Kestrel minimal API answering a 10-record JSON body.
var baselineRecords = Enumerable.Range(1, 10).Select(i => new { stop_id = $"S{i:D5}", name = $"Stop {i}", district = "east", lat = 35.0 + (i / 1000.0) }).ToArray();
if (!catalogOnly && !billingOnly)
{
    await using (var bare = await StartAsync(b => { }, app => app.MapGet("/records", () => Results.Json(new { records = baselineRecords }))))
    {
        results.Add(await LoadGenerator.RunAsync("bare Kestrel, 10 records", bare.Uri, Connections, duration,
            async (c, _, _) => (await c.GetAsync("/records")).IsSuccessStatusCode));
    }

    // 2. The marketplace: a checked, metered brokered fetch of 10 records per request, on each store.
    await MeasureMarketplaceAsync("sqlite", b => { });
    if (!string.IsNullOrEmpty(cosmosEndpoint))
    {
        await MeasureMarketplaceAsync("cosmos (local server)", OnCosmos);
    }
}

// Billing: period close of many contracts and a million usage events (issue 9: close and reconciliation under 10 s).
if (!catalogOnly && closeSizes.Count > 0)
{
    Console.WriteLine("period close [sqlite], usage appended to the ledger, then the month closed:");
    foreach (var (contracts, events) in closeSizes)
    {
        var data = Path.Combine(Path.GetTempPath(), "marketplace-bench", Guid.NewGuid().ToString("N"));
        await using (var market = await StartMarketAsync(data, b =>
        {
            b.Configuration["Marketplace:TestClock:Enabled"] = "true";
            b.Configuration["Marketplace:Jobs:RunServer"] = "false";
            b.Configuration["Marketplace:RateLimits:PerAddress:Burst"] = "1000000";
            b.Configuration["Marketplace:RateLimits:PerAddress:TokensPerPeriod"] = "1000000";
            b.Configuration["Marketplace:RateLimits:PerKey:Burst"] = "1000000";
            b.Configuration["Marketplace:RateLimits:PerKey:TokensPerPeriod"] = "1000000";
        }))
        {
            Console.WriteLine(PeriodCloseBench.Describe(await PeriodCloseBench.RunAsync(market.App.Services, market.Uri, data, contracts, events)));
        }
        Directory.Delete(data, recursive: true);
    }
}

// 3. The catalog page's render time as the catalog grows, on each store.
if (catalogSizes.Length > 0 && !billingOnly)
{
    await MeasureCatalogAsync("sqlite", catalogSizes, b => { });
}
if (cosmosCatalogSizes.Length > 0 && !string.IsNullOrEmpty(cosmosEndpoint) && !billingOnly)
{
    await MeasureCatalogAsync("cosmos (local server)", cosmosCatalogSizes, OnCosmos);
}

static int[] Sizes(string variable, string fallback) => [.. (Environment.GetEnvironmentVariable(variable) ?? fallback)
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(s => int.Parse(s, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).Where(n => n > 0).Order()];

async Task MeasureCatalogAsync(string store, int[] sizes, Action<WebApplicationBuilder> configureStore)
{
    var data = Path.Combine(Path.GetTempPath(), "marketplace-bench", Guid.NewGuid().ToString("N"));
    await using (var market = await StartMarketAsync(data, b =>
    {
        // One address asks for every page; the per-address limit for anonymous visitors is not what is measured.
        b.Configuration["Marketplace:RateLimits:PerAddress:Burst"] = "1000000";
        b.Configuration["Marketplace:RateLimits:PerAddress:TokensPerPeriod"] = "1000000";
        configureStore(b);
    }))
    {
        Console.WriteLine($"catalog page render [{store}], sequential, request to last byte:");
        var seeded = 0;
        foreach (var size in sizes)
        {
            await CatalogRender.SeedAsync(market.App.Services, seeded, size);
            seeded = size;
            renders.AddRange(await CatalogRender.MeasureAsync(market.Uri, string.Create(CultureInfo.InvariantCulture, $"{store}, {size:N0}"), duration));
        }
    }
    Directory.Delete(data, recursive: true);
}

static Task<RunningApp> StartMarketAsync(string data, Action<WebApplicationBuilder> configureStore) => StartAsync(
    b =>
    {
        b.Configuration["Marketplace:DataDirectory"] = data;
        b.Configuration["Marketplace:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        b.Configuration["Marketplace:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        configureStore(b);
        b.Logging.SetMinimumLevel(LogLevel.Warning);
        b.AddMarketplace();
    },
    app => app.UseMarketplace());

async Task MeasureMarketplaceAsync(string store, Action<WebApplicationBuilder> configureStore)
{
    var data = Path.Combine(Path.GetTempPath(), "marketplace-bench", Guid.NewGuid().ToString("N"));
    await using (var market = await StartMarketAsync(data, configureStore))
    {
        var (buyerKey, providerKey, contractId) = await ArrangeAsync(market.Uri, data);
        Console.WriteLine($"[{store}]");
        await Stages.MeasureAsync(market.App.Services, contractId);
        if (listings > 0 && store == "sqlite")
        {
            await ListingGrowth.MeasureAsync(market.App.Services, listings);
        }
        results.Add(await LoadGenerator.RunAsync($"brokered fetch, 10 records, metered [{store}]", market.Uri, Connections, duration,
            async (c, _, _) => (await c.GetAsync($"/api/v1/contracts/{contractId}/records?limit=10")).IsSuccessStatusCode,
            c => c.DefaultRequestHeaders.Authorization = new("Bearer", buyerKey)));
        results.Add(await LoadGenerator.RunAsync($"  with Idempotency-Key [{store}]", market.Uri, Connections, duration,
            async (c, w, i) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contractId}/records?limit=10");
                request.Headers.Add("Idempotency-Key", $"bench-{w}-{i}");
                return (await c.SendAsync(request)).IsSuccessStatusCode;
            },
            c => c.DefaultRequestHeaders.Authorization = new("Bearer", buyerKey)));
        const int EventsPerReport = 1_000;
        var ingest = await LoadGenerator.RunAsync($"usage report of {EventsPerReport} events [{store}]", market.Uri, 4, duration,
            async (c, w, i) =>
            {
                var at = DateTimeOffset.UtcNow.AddMinutes(-1);
                var events = Enumerable.Range(0, EventsPerReport).Select(e => new { eventId = $"u-{w}-{i}-{e}", contractId, units = 1, occurredAt = at });
                var response = await c.PostAsJsonAsync("/api/v1/usage", new { events });
                return response.IsSuccessStatusCode;
            },
            c => c.DefaultRequestHeaders.Authorization = new("Bearer", providerKey));
        results.Add(ingest);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"usage ingest [{store}]: {ingest.RequestsPerSecond * EventsPerReport:N0} events/s"));
        if (store == "sqlite")
        {
            // The worst case for the ledger's unique (contract, event id) index: ids with no order at all (UUIDv4).
            var scattered = await LoadGenerator.RunAsync($"usage report of {EventsPerReport} events, random ids [{store}]", market.Uri, 4, duration,
                async (c, _, _) =>
                {
                    var at = DateTimeOffset.UtcNow.AddMinutes(-1);
                    var events = Enumerable.Range(0, EventsPerReport).Select(_ => new { eventId = Guid.NewGuid().ToString(), contractId, units = 1, occurredAt = at });
                    var response = await c.PostAsJsonAsync("/api/v1/usage", new { events });
                    return response.IsSuccessStatusCode;
                },
                c => c.DefaultRequestHeaders.Authorization = new("Bearer", providerKey));
            results.Add(scattered);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"usage ingest, random ids [{store}]: {scattered.RequestsPerSecond * EventsPerReport:N0} events/s"));
        }
    }
    Directory.Delete(data, recursive: true);
}

if (!catalogOnly && !billingOnly && reconciliationEvents > 0)
{
    await MeasureReconciliationAsync();
}

if (!catalogOnly && !billingOnly)
{
    await MeasureConsentAsync();
}

// Consent on every access (issue 10): the filter's cost per page of 1,000 personal records, and withdrawal to effect.
async Task MeasureConsentAsync()
{
    Console.WriteLine("consent [personal data], a page of 1,000 records with and without the consent filter, then withdrawals:");
    foreach (var (store, configure) in new (string, Action<WebApplicationBuilder>)[] { ("sqlite", _ => { }), ("cosmos (local server)", OnCosmos) })
    {
        if (store != "sqlite" && string.IsNullOrEmpty(cosmosEndpoint))
        {
            continue;
        }
        var data = Path.Combine(Path.GetTempPath(), "marketplace-bench", Guid.NewGuid().ToString("N"));
        await using (var market = await StartMarketAsync(data, b =>
        {
            b.Configuration["Marketplace:Jobs:RunServer"] = "false";
            b.Configuration["Marketplace:RateLimits:PerAddress:Burst"] = "1000000";
            b.Configuration["Marketplace:RateLimits:PerAddress:TokensPerPeriod"] = "1000000";
            b.Configuration["Marketplace:RateLimits:PerKey:Burst"] = "1000000";
            b.Configuration["Marketplace:RateLimits:PerKey:TokensPerPeriod"] = "1000000";
            configure(b);
        }))
        {
            Console.WriteLine(ConsentBench.Describe(await ConsentBench.RunAsync(store, market.Uri, data, duration)));
        }
        Directory.Delete(data, recursive: true);
    }
}

async Task MeasureReconciliationAsync()
{
    var data = Path.Combine(Path.GetTempPath(), "marketplace-bench", Guid.NewGuid().ToString("N"));
    // No job server: the run is timed here, not picked up by a Hangfire worker at the same time.
    await using (var market = await StartMarketAsync(data, b => b.Configuration["Marketplace:Jobs:RunServer"] = "false"))
    {
        await ReconciliationBench.MeasureAsync(market.App.Services, reconciliationEvents);
    }
    Directory.Delete(data, recursive: true);
}

var table = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{"scenario",-58} {"req/s",10} {"p50 ms",8} {"p99 ms",8} {"fail",6}");
foreach (var r in results)
{
    table.AppendLine(CultureInfo.InvariantCulture, $"{r.Name,-58} {r.RequestsPerSecond,10:N0} {r.P50Ms,8:N2} {r.P99Ms,8:N2} {r.Failures,6}");
}
if (results.Count > 1)
{
    table.AppendLine(CultureInfo.InvariantCulture, $"brokered (sqlite) / bare = {results[1].RequestsPerSecond / results[0].RequestsPerSecond:P0} (target: at least 50%)");
}
if (renders.Count > 0)
{
    table.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{"catalog page render (sequential)",-58} {"p50 ms",10} {"p95 ms",8} {"KB",6}");
    foreach (var r in renders)
    {
        table.AppendLine(CultureInfo.InvariantCulture, $"{r.Name,-58} {r.P50Ms,10:N1} {r.P95Ms,8:N1} {r.Bytes / 1024.0,6:N1}");
    }
}
Console.WriteLine(table);

static async Task<RunningApp> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
{
    var builder = WebApplication.CreateBuilder();
    builder.Logging.ClearProviders();
    var port = FreePort();
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
    configure(builder);
    var app = builder.Build();
    map(app);
    await app.StartAsync();
    return new RunningApp(app, new Uri($"http://127.0.0.1:{port}"));
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task<(string BuyerKey, string ProviderKey, string ContractId)> ArrangeAsync(Uri baseUri, string data)
{
    using var op = Client(baseUri, File.ReadAllText(Path.Combine(data, "operator.key")).Trim());
    var provider = await Json(await op.PostAsJsonAsync("/api/v1/parties", new { id = "bench-provider", role = "provider", name = "Bench provider" }));
    var buyer = await Json(await op.PostAsJsonAsync("/api/v1/parties", new { id = "bench-buyer", role = "buyer", name = "Bench buyer" }));
    using var p = Client(baseUri, provider.GetProperty("apiKey").GetString()!);
    await Json(await p.PostAsJsonAsync("/api/v1/datasets", new
    {
        id = "bench-data", @class = "private", title = "Bench", licence = "proprietary",
        schema = new { fields = new object[] { new { name = "stop_id", type = "string", required = true }, new { name = "name", type = "string" }, new { name = "district", type = "string" }, new { name = "lat", type = "number" } } },
    }));
    var csv = new StringBuilder("stop_id,name,district,lat\n");
    for (var i = 0; i < 10_000; i++)
    {
        csv.Append(CultureInfo.InvariantCulture, $"S{i:D5},Stop {i},east,35.{i:D4}\n");
    }
    await Json(await p.PostAsync("/api/v1/datasets/bench-data/revisions", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")));
    await Json(await p.PostAsJsonAsync("/api/v1/offerings", new { id = "bench-offer", datasetId = "bench-data", pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" } }));
    await Json(await p.PostAsync("/api/v1/offerings/bench-offer/publish", null));
    using var b = Client(baseUri, buyer.GetProperty("apiKey").GetString()!);
    var contract = await Json(await b.PostAsJsonAsync("/api/v1/offerings/bench-offer/contracts", new { purpose = "research" }));
    return (buyer.GetProperty("apiKey").GetString()!, provider.GetProperty("apiKey").GetString()!, contract.GetProperty("id").GetString()!);
}

internal sealed record RunningApp(WebApplication App, Uri Uri) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
