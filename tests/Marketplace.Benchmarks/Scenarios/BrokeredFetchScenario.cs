using Marketplace.Benchmarks.Runner;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// P1: brokered, metered fetches of 10 records (every one checked against the contract and its usage durable before
/// the reply), with and without Idempotency-Key, against a bare endpoint in the same process returning the same rows.
/// </summary>
internal sealed class BrokeredFetchScenario : IScenario
{
    private const int Connections = 32;

    public string Id => "P1";

    public string Title => "brokered, metered record fetches against a bare endpoint";

    public async Task RunAsync(BenchContext context)
    {
        var baselineRecords = Enumerable.Range(1, 10).Select(i => new { stop_id = $"S{i:D5}", name = $"Stop {i}", district = "east", lat = 35.0 + (i / 1000.0) }).ToArray();
        LoadResult bare;
        await using (var app = await BenchHost.StartAsync(_ => { }, a => a.MapGet("/records", () => Results.Json(new { records = baselineRecords }))))
        {
            bare = await LoadGenerator.RunAsync("bare Kestrel, 10 records", app.Uri, Connections, context.Duration,
                async (c, _, _) => (await c.GetAsync("/records")).IsSuccessStatusCode, warmUp: context.WarmUp);
        }
        context.Report.Add(new BenchRow(Id, bare.Name, bare.RequestsPerSecond, "req/s", bare.P50Ms, bare.P99Ms, Note: "the baseline of P1"));

        foreach (var (store, configure) in context.Stores())
        {
            var data = BenchHost.NewDataDirectory();
            await using (var market = await BenchHost.StartMarketAsync(data, b => { BenchHost.Unthrottled(b); configure(b); }))
            {
                var (buyerKey, _, contractId) = await BenchHost.ArrangeContractAsync(market.Uri, data);
                if (!context.Quick)
                {
                    Console.WriteLine($"[{store}]");
                    await Stages.MeasureAsync(market.App.Services, contractId);
                }
                var plain = await LoadGenerator.RunAsync($"brokered fetch, 10 records, metered [{store}]", market.Uri, Connections, context.Duration,
                    async (c, _, _) => (await c.GetAsync($"/api/v1/contracts/{contractId}/records?limit=10")).IsSuccessStatusCode,
                    c => c.DefaultRequestHeaders.Authorization = new("Bearer", buyerKey), context.WarmUp);
                Add(context, plain, bare);
                var keyed = await LoadGenerator.RunAsync($"  with Idempotency-Key [{store}]", market.Uri, Connections, context.Duration,
                    async (c, w, i) =>
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contractId}/records?limit=10");
                        request.Headers.Add("Idempotency-Key", $"bench-{w}-{i}");
                        return (await c.SendAsync(request)).IsSuccessStatusCode;
                    },
                    c => c.DefaultRequestHeaders.Authorization = new("Bearer", buyerKey), context.WarmUp);
                Add(context, keyed, bare);
            }
            BenchHost.DeleteDataDirectory(data);
        }
    }

    private void Add(BenchContext context, LoadResult result, LoadResult bare) => context.Report.Add(new BenchRow(
        Id, result.Name.Trim(), result.RequestsPerSecond, "req/s", result.P50Ms, result.P99Ms,
        BaselineMeasure: bare.Name, BaselineValue: bare.RequestsPerSecond,
        Target: "≥ 50% of bare, p99 ≤ 20 ms",
        Met: context.Judge(result.Failures == 0 && result.RequestsPerSecond >= 0.5 * bare.RequestsPerSecond && result.P99Ms <= 20),
        Note: result.Failures > 0 ? $"{result.Failures:N0} requests failed" : null));
}
