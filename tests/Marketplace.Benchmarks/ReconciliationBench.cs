using System.Diagnostics;
using System.Globalization;
using System.Text;
using Marketplace.Billing.Reconciliation;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Benchmarks;

/// <summary>
/// Reconciliation of a period holding many generated usage events (target: 1,000,000 in under 10 s): events are
/// appended straight into the usage ledger (as the meters' group commit would), spread over 1,000 contracts and the
/// period's days so far, then one run is timed end to end (ledger hours, reports, one streaming pass over every
/// event, meters, comparisons, the report's JSON stored in its grain). Nothing was reported to a meter, so every
/// closed contract-day is a finding: the report's bounds are exercised at full size.
/// </summary>
public static class ReconciliationBench
{
    private const int Contracts = 1_000;
    private const int Batch = 1_000;

    public sealed record Result(long Events, double RunSeconds, double StreamSeconds, long Findings);

    public static async Task<Result> MeasureAsync(IServiceProvider services, int events)
    {
        var ledger = services.GetRequiredService<IUsageLedger>();
        var calendar = services.GetRequiredService<BillingCalendar>();
        var period = calendar.CurrentPeriod();
        var span = Math.Max(1, (long)(calendar.Now - period.Start).TotalSeconds - 60);
        var clock = Stopwatch.StartNew();
        var batch = new List<UsageRecord>(Batch);
        for (var i = 0; i < events; i++)
        {
            var at = period.Start.AddSeconds(span * (long)i / events);
            batch.Add(new UsageRecord($"bench-rec-{i:D9}", $"bench-rc-{i % Contracts:D4}", period.Id, 1 + (i % 7), at, calendar.Now, UsageRecord.GeneratedSource, null));
            if (batch.Count == Batch || i == events - 1)
            {
                await ledger.AppendAsync(batch);
                batch.Clear();
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reconciliation: appended {events:N0} usage events over {Contracts:N0} contracts of {period.Id} in {clock.Elapsed.TotalSeconds:N1} s"));

        clock.Restart();
        long streamed = 0;
        await foreach (var _ in ledger.StreamPeriodAsync(period.Id))
        {
            streamed++;
        }
        var streamSeconds = clock.Elapsed.TotalSeconds;

        // First the engine alone, cold (every contract's grains activate), with the time each stage took.
        var stages = new List<(string Stage, double Seconds)>();
        clock.Restart();
        await services.GetRequiredService<PeriodReconciliation>().RunAsync("bench-stages", period.Id, (_, stage) =>
        {
            if (stages.Count == 0 || stages[^1].Stage != stage)
            {
                stages.Add((stage, clock.Elapsed.TotalSeconds));
            }
            return Task.CompletedTask;
        });
        stages.Add(("end", clock.Elapsed.TotalSeconds));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reconciliation engine, cold: {clock.Elapsed.TotalSeconds:N2} s; stages: ")
            + string.Join(", ", stages.Zip(stages.Skip(1), (a, b) => string.Create(CultureInfo.InvariantCulture, $"{a.Stage} {b.Seconds - a.Seconds:N2} s"))));

        // Then a whole run as an operator starts it (progress and report stored in the run's grain).
        var runs = services.GetRequiredService<ReconciliationRuns>();
        var run = await runs.StartAsync(period.Id, "bench");
        clock.Restart();
        await runs.RunAsync(run.Id);
        var runSeconds = clock.Elapsed.TotalSeconds;
        var view = await runs.GetAsync(run.Id);
        var report = view.Report!;
        var json = Encoding.UTF8.GetByteCount(report.ToJson());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reconciliation run of {streamed:N0} events: {runSeconds:N2} s end to end (engine {report.ElapsedMilliseconds:N0} ms; the ledger stream alone {streamSeconds:N2} s); report {json / 1024.0:N0} KB, {report.FindingsTotal:N0} findings ({report.Findings.Count:N0} listed)"));
        Console.WriteLine("  " + report.Summary);
        return new Result(streamed, runSeconds, streamSeconds, report.FindingsTotal);
    }
}
