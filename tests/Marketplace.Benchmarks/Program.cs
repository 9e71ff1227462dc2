using Marketplace.Benchmarks.Runner;
using Marketplace.Benchmarks.Scenarios;

// build.ps1 bench: the scenarios of issue 13 (P1..P8), each against a baseline measured in the same run, written to
// results.json and results.md. `--quick` runs every scenario briefly (build.ps1 test does, to prove they still work).
if (args is ["--bare-app", .. var rest])
{
    return await BareApp.RunAsync(rest); // P6's baseline, started as a process of its own
}
var options = BenchOptions.Parse(args);
var report = new BenchReport(options.Quick, TimeProvider.System);
var context = new BenchContext(options, report);
IScenario[] scenarios =
[
    // First: BenchmarkDotNet collects garbage between its iterations, which in a heap the loads below have grown
    // took 176 s instead of 30 s (the report still lists it last).
    new MicroBenchmarksScenario(),
    new BrokeredFetchScenario(),
    new UsageIngestScenario(),
    new CatalogSearchScenario(),
    new BillingScenario(),
    new ConsentScenario(),
    new StartupScenario(),
    new IngestMemoryScenario(),
    new RevisionUploadScenario(),
    new ClusterScenario(),
    new HarvestScenario(),
    new ListingGrowthScenario(),
];
var unknown = options.Only.Where(id => !scenarios.Any(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown scenario {string.Join(", ", unknown)}; the scenarios are {string.Join(", ", scenarios.Select(s => s.Id))}.");
    return 2;
}
foreach (var scenario in scenarios.Where(s => options.Only.Count == 0 ? s.InDefaultRun : options.Only.Contains(s.Id)))
{
    Console.WriteLine($"== {scenario.Id}: {scenario.Title}{(options.Quick ? " (quick)" : "")}");
    var clock = System.Diagnostics.Stopwatch.StartNew();
    try
    {
        await scenario.RunAsync(context);
    }
    catch (Exception e)
    {
        report.Fail(scenario.Id, e);
    }
    Console.WriteLine($"== {scenario.Id} took {clock.Elapsed.TotalSeconds:N0} s");
}
await report.WriteAsync(options.OutputDirectory);
Console.WriteLine($"Results: {Path.GetFullPath(Path.Combine(options.OutputDirectory, "results.md"))}");
return report.Failures.Count == 0 ? 0 : 1;
