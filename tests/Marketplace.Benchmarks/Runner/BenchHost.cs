using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Host;
using Marketplace.Host.Tests;
using static Marketplace.Benchmarks.BenchHttp;

namespace Marketplace.Benchmarks.Runner;

/// <summary>Apps the scenarios start in this process: a marketplace on a data directory of its own, or a bare app.</summary>
public static class BenchHost
{
    public const string CosmosEmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DUuiBxGfrNeXsyl9RcfFB+7wyDHBAcSe9H5RAyKUKCkMVA==";

    /// <summary>A data directory that is deleted when the returned scope ends.</summary>
    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "marketplace-bench", Guid.NewGuid().ToString("N"));

    public static void UseCosmos(WebApplicationBuilder b, string endpoint)
    {
        b.Configuration["Marketplace:Store"] = "Cosmos";
        b.Configuration["Marketplace:Cosmos:Endpoint"] = endpoint;
        b.Configuration["Marketplace:Cosmos:Key"] = CosmosEmulatorKey;
        b.Configuration["Marketplace:Cosmos:Database"] = $"bench-{Guid.NewGuid():N}";
        b.Configuration["Marketplace:Cosmos:AcceptAnyServerCertificate"] = "true";
    }

    /// <summary>Rate limits out of the way: one load generator on one address is not what a scenario measures.</summary>
    public static void Unthrottled(WebApplicationBuilder b)
    {
        foreach (var limit in new[] { "PerAddress", "PerKey", "SignInPerAddress" })
        {
            b.Configuration[$"Marketplace:RateLimits:{limit}:Burst"] = "1000000";
            b.Configuration[$"Marketplace:RateLimits:{limit}:TokensPerPeriod"] = "1000000";
        }
    }

    /// <param name="before">Called on the app before the marketplace's own pipeline (e.g. a bench-only terminal branch).</param>
    public static Task<RunningApp> StartMarketAsync(string data, Action<WebApplicationBuilder> configure, Action<WebApplication>? before = null) => StartAsync(
        b =>
        {
            b.Configuration["Marketplace:DataDirectory"] = data;
            b.Configuration["Marketplace:SiloPort"] = MarketplaceFactory.FreePort().ToString(CultureInfo.InvariantCulture);
            b.Configuration["Marketplace:GatewayPort"] = MarketplaceFactory.FreePort().ToString(CultureInfo.InvariantCulture);
            configure(b);
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            b.AddMarketplace();
        },
        app =>
        {
            before?.Invoke(app);
            app.UseMarketplace();
        });

    public static async Task<RunningApp> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        var port = MarketplaceFactory.FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new RunningApp(app, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>A provider with a 10,000-row private dataset offered per record, and a buyer under contract for it.</summary>
    public static async Task<(string BuyerKey, string ProviderKey, string ContractId)> ArrangeContractAsync(Uri baseUri, string data)
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

    public static void DeleteDataDirectory(string data)
    {
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed record RunningApp(WebApplication App, Uri Uri) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
