using System.Globalization;
using Marketplace.Benchmarks.Runner;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// P5: consent withdrawal to effect, on both stores: the withdrawal answered, then the buyer's very next page,
/// which must already leave the person out (the scenario fails if it does not). Also the consent filter's cost on a
/// page of 1,000 personal records, against the same rows fetched as private data in the same run.
/// </summary>
internal sealed class ConsentScenario : IScenario
{
    public string Id => "P5";

    public string Title => "consent withdrawal to effect";

    public async Task RunAsync(BenchContext context)
    {
        foreach (var (store, configure) in context.Stores())
        {
            var data = BenchHost.NewDataDirectory();
            await using (var market = await BenchHost.StartMarketAsync(data, b =>
            {
                b.Configuration["Marketplace:Jobs:RunServer"] = "false";
                BenchHost.Unthrottled(b);
                configure(b);
            }))
            {
                var people = context.Size("MARKETPLACE_BENCH_CONSENT_PEOPLE", 1_000, 60);
                var r = await ConsentBench.RunAsync(store, market.Uri, data, context.Duration, people, withdrawals: context.Quick ? 10 : 50);
                Console.WriteLine(ConsentBench.Describe(r));
                context.Report.Add(new BenchRow(Id, $"withdrawal to effect (answered + the next page without the person) [{store}]",
                    r.WithdrawMs + r.EffectMs, "ms", Target: "≤ 1 s", Met: context.Judge(r.WithdrawMs + r.EffectMaxMs <= 1000),
                    Note: string.Create(CultureInfo.InvariantCulture,
                        $"medians over {r.Rounds} withdrawals: answered in {r.WithdrawMs:N1} ms, next page {r.EffectMs:N1} ms (slowest {r.EffectMaxMs:N1} ms)")));
                context.Report.Add(new BenchRow(Id, string.Create(CultureInfo.InvariantCulture, $"page of {people:N0} personal records, consent filter [{store}]"),
                    r.PersonalPageMs, "ms", BaselineMeasure: "the same rows as private data", BaselineValue: r.PrivatePageMs));
            }
            BenchHost.DeleteDataDirectory(data);
        }
    }
}
