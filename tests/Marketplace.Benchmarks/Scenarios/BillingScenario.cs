using System.Globalization;
using Marketplace.Benchmarks.Runner;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>P4: a month closed over many contracts and a million usage events, and a reconciliation of a million events.</summary>
internal sealed class BillingScenario : IScenario
{
    public string Id => "P4";

    public string Title => "period close and reconciliation of 1,000,000 usage events";

    public async Task RunAsync(BenchContext context)
    {
        var closeSizes = (context.Quick ? "5:2000" : Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_CLOSE") ?? "10:1000,1000:1000000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(':'))
            .Select(p => (Contracts: int.Parse(p[0], CultureInfo.InvariantCulture), Events: long.Parse(p[1], CultureInfo.InvariantCulture)));
        foreach (var (contracts, events) in closeSizes)
        {
            var data = BenchHost.NewDataDirectory();
            await using (var market = await BenchHost.StartMarketAsync(data, b =>
            {
                b.Configuration["Marketplace:TestClock:Enabled"] = "true";
                b.Configuration["Marketplace:Jobs:RunServer"] = "false";
                BenchHost.Unthrottled(b);
            }))
            {
                var r = await PeriodCloseBench.RunAsync(market.App.Services, market.Uri, data, contracts, events);
                context.Report.Add(new BenchRow(Id, string.Create(CultureInfo.InvariantCulture, $"period close, {contracts:N0} contracts, {events:N0} events [sqlite]"),
                    r.Close.TotalSeconds, "s", Target: "≤ 10 s", Met: context.Judge(r.Close.TotalSeconds <= 10),
                    Note: string.Create(CultureInfo.InvariantCulture, $"{r.Invoices:N0} invoices, ¥{r.TotalMinor:N0}; the events were appended in {r.Ingest.TotalSeconds:N1} s")));
            }
            BenchHost.DeleteDataDirectory(data);
        }

        var reconciliationEvents = context.Size("MARKETPLACE_BENCH_RECONCILIATION_EVENTS", 1_000_000, 2_000);
        var reconciliationData = BenchHost.NewDataDirectory();
        // No job server: the run is timed here, not picked up by a Hangfire worker at the same time.
        await using (var market = await BenchHost.StartMarketAsync(reconciliationData, b => b.Configuration["Marketplace:Jobs:RunServer"] = "false"))
        {
            var r = await ReconciliationBench.MeasureAsync(market.App.Services, reconciliationEvents);
            context.Report.Add(new BenchRow(Id, string.Create(CultureInfo.InvariantCulture, $"reconciliation run, {r.Events:N0} events [sqlite]"),
                r.RunSeconds, "s", Target: "≤ 10 s", Met: context.Judge(r.RunSeconds <= 10),
                Note: string.Create(CultureInfo.InvariantCulture, $"the ledger stream alone {r.StreamSeconds:N2} s; {r.Findings:N0} findings")));
        }
        BenchHost.DeleteDataDirectory(reconciliationData);
    }
}
