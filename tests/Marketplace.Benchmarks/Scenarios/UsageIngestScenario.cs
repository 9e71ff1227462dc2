using System.Net.Http.Json;
using Marketplace.Benchmarks.Runner;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>P2: provider usage ingestion, reports of 1,000 events with unique ids, durable before the reply.</summary>
internal sealed class UsageIngestScenario : IScenario
{
    private const int EventsPerReport = 1_000;

    public string Id => "P2";

    public string Title => "provider usage ingestion, batched, idempotent, durable";

    public async Task RunAsync(BenchContext context)
    {
        foreach (var (store, configure) in context.Stores())
        {
            var data = BenchHost.NewDataDirectory();
            await using (var market = await BenchHost.StartMarketAsync(data, b => { BenchHost.Unthrottled(b); configure(b); }))
            {
                var (_, providerKey, contractId) = await BenchHost.ArrangeContractAsync(market.Uri, data);
                await MeasureAsync(context, $"usage reports of {EventsPerReport:N0} events, ordered ids [{store}]", market.Uri, providerKey,
                    (w, i, e) => $"u-{w}-{i}-{e}", contractId);
                if (store == "sqlite")
                {
                    // The worst case for the ledger's unique (contract, event id) index: ids with no order at all (UUIDv4).
                    await MeasureAsync(context, $"usage reports of {EventsPerReport:N0} events, random ids [{store}]", market.Uri, providerKey,
                        (_, _, _) => Guid.NewGuid().ToString(), contractId);
                }
            }
            BenchHost.DeleteDataDirectory(data);
        }
    }

    private async Task MeasureAsync(BenchContext context, string name, Uri uri, string providerKey, Func<int, long, int, string> eventId, string contractId)
    {
        var result = await LoadGenerator.RunAsync(name, uri, 4, context.Duration,
            async (c, w, i) =>
            {
                var at = DateTimeOffset.UtcNow.AddMinutes(-1);
                var events = Enumerable.Range(0, EventsPerReport).Select(e => new { eventId = eventId(w, i, e), contractId, units = 1, occurredAt = at });
                var response = await c.PostAsJsonAsync("/api/v1/usage", new { events });
                return response.IsSuccessStatusCode;
            },
            c => c.DefaultRequestHeaders.Authorization = new("Bearer", providerKey), context.WarmUp);
        var perSecond = result.RequestsPerSecond * EventsPerReport;
        context.Report.Add(new BenchRow(Id, name, perSecond, "events/s", result.P50Ms, result.P99Ms,
            Target: "≥ 300,000 events/s", Met: context.Judge(result.Failures == 0 && perSecond >= 300_000),
            Note: result.Failures > 0 ? $"{result.Failures:N0} reports failed" : null));
    }
}
