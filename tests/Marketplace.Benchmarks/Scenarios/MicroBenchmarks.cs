using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Marketplace.Application.Access;
using Marketplace.Benchmarks.Runner;
using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// M: BenchmarkDotNet over the domain code every metered request or record runs: the price of a period's usage
/// (per unit and tiered), the usage policy's decision, the consent decision per personal record, and the
/// fingerprints (the pseudonym of each person's record, the served page kept with an Idempotency-Key, a derived id).
/// In process (the bench is launched as a dll, so BenchmarkDotNet cannot build a project of its own): a short job in
/// full runs, a dry one in quick runs. Each benchmark's mean time and allocation per call become a row.
/// </summary>
internal sealed class MicroBenchmarksScenario : IScenario
{
    public const string ScenarioId = "M";

    public string Id => ScenarioId;

    public string Title => "micro-benchmarks of hot domain code (BenchmarkDotNet, in process)";

    public Task RunAsync(BenchContext context)
    {
        // BenchmarkDotNet writes its artifacts (reports, logs) there, never beside the repository.
        var artifacts = Path.Combine(Path.GetTempPath(), "marketplace-bench", "BenchmarkDotNet.Artifacts");
        var job = (context.Quick ? Job.Dry : Job.ShortRun.WithIterationCount(5).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)))
            .WithToolchain(InProcessEmitToolchain.DontLogOutput)
            .WithId(context.Quick ? "dry" : "short");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        var summary = BenchmarkRunner.Run<DomainBenchmarks>(config);
        if (summary.HasCriticalValidationErrors || summary.Reports.Length == 0)
        {
            throw new InvalidOperationException("BenchmarkDotNet ran nothing: "
                + string.Join("; ", summary.ValidationErrors.Select(e => e.Message)));
        }
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is not { } statistics)
            {
                throw new InvalidOperationException($"{report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo} gave no result.");
            }
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            context.Report.Add(new BenchRow(Id, report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''), statistics.Mean, "ns/op",
                Note: string.Create(CultureInfo.InvariantCulture,
                    $"{(allocated is { } bytes ? $"{bytes:N0} B" : "?")} allocated per call; median {statistics.Median:N1} ns, {statistics.N} iterations ({job.Id} job)")));
        }
        return Task.CompletedTask;
    }
}

/// <summary>The benchmarks of <see cref="MicroBenchmarksScenario"/>; public and unsealed, as BenchmarkDotNet requires.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "BenchmarkDotNet runs instance methods.")]
public class DomainBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.FromHours(9));

    private readonly PricingPlan _perUnit = PricingPlan.PerUnit(new Money(3, Currency.JPY), UsageUnit.Record, unitBlock: 10);

    private readonly PricingPlan _tiered = PricingPlan.Tiered(Currency.JPY, UsageUnit.Record, 1_000,
        [new PriceTier(100_000, 5), new PriceTier(1_000_000, 3), new PriceTier(null, 1)]);

    private readonly UsagePolicy _policy = new(["research", "city-planning"], Now.AddYears(1), null, 5_000_000, true);

    private readonly AccessRequest _request = new("research", Now, Now.AddMonths(6), 1_234_567, 100,
        BillingPeriod.Containing(Now, BillingPeriod.DefaultZone));

    private readonly ConsentGrant[] _grants = [Grant("cr-1", "dataset:ds-health", ConsentPurposes.PublicHealthResearch, ["age", "ward"]),
        Grant("cr-2", "category:health", ConsentPurposes.AcademicResearch, []),
        Grant("cr-3", "category:health", ConsentPurposes.PublicHealthResearch, ["diagnosis"])];

    private readonly ConsentQuestion _question = new("ds-health",
        new PersonalDataProfile(DataCategories.Health, [new("age", false), new("ward", false), new("diagnosis", true), new("visits", false)]),
        "buyer-a", RecipientClass.Academic, ConsentPurposes.PublicHealthResearch, Now);

    private readonly byte[] _pseudonymKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private readonly ServedPage _page = new(new RecordQuery(new RecordCursor("rev-0123456789ab", 4_200), 10,
        [new FieldFilter("district", "east"), new FieldFilter("kind", "bus & tram")]), "rev-0123456789ab", 10);

    [Benchmark(Description = "pricing: per-unit price of a period's usage")]
    public Money PricePerUnit() => _perUnit.PriceFor(1_234_567);

    [Benchmark(Description = "pricing: tiered price of a period's usage (3 tiers)")]
    public Money PriceTiered() => _tiered.PriceFor(1_234_567);

    [Benchmark(Description = "usage policy: decision for one metered request")]
    public PolicyDecision EvaluatePolicy() => _policy.Evaluate(_request);

    [Benchmark(Description = "consent: decision for one person's record (3 consents)")]
    public ConsentCoverage EvaluateConsent() => ConsentEvaluation.Evaluate(_grants, _question);

    [Benchmark(Description = "fingerprint: pseudonym of a person's subject id (HMAC-SHA-256)")]
    public string Pseudonym() => SubjectPseudonym.For(_pseudonymKey, "ctr-0123456789ab", "subject-000123");

    [Benchmark(Description = "fingerprint: served page encoded for an Idempotency-Key")]
    public string ServedPageFingerprint() => _page.Encode();

    [Benchmark(Description = "fingerprint: derived id (SHA-256 of a seed)")]
    public string DerivedId() => Identifiers.DerivedId("use", "ctr-0123456789ab\nrequest-key-42");

    private static ConsentGrant Grant(string recordId, string scope, string purpose, string[] items) => new(recordId, "subject-000123", "bank-1", 1,
        new ConsentTerms(ConsentScope.Parse(scope), items, [purpose], [], [RecipientClass.Academic], Now.AddYears(2), SensitiveExplicit: true),
        Now.AddMonths(-1), null, "notice-1", 1);
}
