using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Billing.Periods;
using Marketplace.Grains;
using Marketplace.Host.Features.Billing;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Benchmarks.BenchHttp;

namespace Marketplace.Benchmarks;

/// <summary>
/// Period close at scale: <c>contracts</c> contracts carrying <c>events</c> usage events of one month, appended to
/// the usage ledger in batches, then the month closed (the test clock moved past its end) and timed.
/// </summary>
internal static class PeriodCloseBench
{
    public sealed record Result(int Contracts, long Events, TimeSpan Ingest, TimeSpan Close, int Invoices, long TotalMinor);

    public static async Task<Result> RunAsync(IServiceProvider services, Uri baseUri, string dataDirectory, int contracts, long events)
    {
        using var op = Client(baseUri, File.ReadAllText(Path.Combine(dataDirectory, "operator.key")).Trim());
        var provider = await Json(await op.PostAsJsonAsync("/api/v1/parties", new { id = $"close-provider-{contracts}", role = "provider", name = "Close bench provider" }));
        using var p = Client(baseUri, provider.GetProperty("apiKey").GetString()!);
        var dataset = $"close-data-{contracts}";
        var offering = $"close-offer-{contracts}";
        await Json(await p.PostAsJsonAsync("/api/v1/datasets", new
        {
            id = dataset, @class = "private", title = "Close bench", licence = "proprietary",
            schema = new { fields = new object[] { new { name = "id", type = "string", required = true } } },
        }));
        await Json(await p.PostAsync($"/api/v1/datasets/{dataset}/revisions", new StringContent("id\nA\n", Encoding.UTF8, "text/csv")));
        await Json(await p.PostAsJsonAsync("/api/v1/offerings", new
        {
            id = offering, datasetId = dataset,
            pricing = new { model = "tiered", currency = "JPY", unit = "record", includedUnits = 100, tiers = new object[] { new { upTo = 1_000, unitPrice = 3 }, new { unitPrice = 1 } } },
        }));
        await Json(await p.PostAsync($"/api/v1/offerings/{offering}/publish", null));
        var ids = new List<string>(contracts);
        for (var i = 0; i < contracts; i++)
        {
            var buyer = await Json(await op.PostAsJsonAsync("/api/v1/parties", new { id = $"close-buyer-{contracts}-{i}", role = "buyer", name = $"Buyer {i}" }));
            using var b = Client(baseUri, buyer.GetProperty("apiKey").GetString()!);
            ids.Add((await Json(await b.PostAsJsonAsync($"/api/v1/offerings/{offering}/contracts", new { purpose = "research" }))).GetProperty("id").GetString()!);
        }

        var calendar = services.GetRequiredService<BillingCalendar>();
        var period = calendar.CurrentPeriod();
        var ledger = services.GetRequiredService<IUsageLedger>();
        var ingest = Stopwatch.StartNew();
        const int Batch = 10_000;
        var random = new Random(7);
        var now = calendar.Now;
        for (long sent = 0; sent < events; sent += Batch)
        {
            var batch = new List<UsageRecord>(Batch);
            for (var j = 0; j < Batch && sent + j < events; j++)
            {
                var at = period.Start + TimeSpan.FromTicks((long)(random.NextDouble() * (now - period.Start).Ticks));
                batch.Add(new UsageRecord(Guid.CreateVersion7().ToString("N"), ids[random.Next(ids.Count)], period.Id, random.Next(1, 5), at, now, UsageRecord.GeneratedSource, null));
            }
            await ledger.AppendAsync(batch);
        }
        ingest.Stop();

        services.GetRequiredService<TestClock>().AdvanceTo(period.End + TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var close = Stopwatch.StartNew();
        var closed = await services.GetRequiredService<PeriodClosing>().CloseAsync(period.Id, "bench");
        close.Stop();
        return new Result(contracts, events, ingest.Elapsed, close.Elapsed, closed.Invoices, closed.TotalMinor);
    }

    public static string Describe(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"  {r.Contracts,6:N0} contracts, {r.Events,10:N0} events: ingest {r.Ingest.TotalSeconds,6:N1} s, close {r.Close.TotalSeconds,6:N2} s → {r.Invoices:N0} invoices, ¥{r.TotalMinor:N0}");
}
