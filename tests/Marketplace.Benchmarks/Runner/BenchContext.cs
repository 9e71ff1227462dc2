using System.Globalization;

namespace Marketplace.Benchmarks.Runner;

/// <summary>
/// What a scenario needs from the run: quick or full, how long each load lasts, the local Cosmos server if started,
/// and the report to add its rows to.
/// </summary>
public sealed class BenchContext(BenchOptions options, BenchReport report)
{
    public bool Quick => options.Quick;

    /// <summary>How long each closed-loop load runs after its warm-up.</summary>
    public TimeSpan Duration => options.Duration;

    /// <summary>Warm-up before each load: tiered JIT needs a few seconds under load; quick mode proves the path only.</summary>
    public TimeSpan WarmUp => Quick ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(5);

    public string? CosmosEndpoint => Environment.GetEnvironmentVariable("MARKETPLACE_COSMOS_ENDPOINT") is { Length: > 0 } e ? e : null;

    public BenchReport Report => report;

    /// <summary>A size: the full run's, the quick run's, or the one named by an environment variable (full runs only).</summary>
    public int Size(string variable, int full, int quick) =>
        Quick ? quick : int.Parse(Environment.GetEnvironmentVariable(variable) ?? full.ToString(CultureInfo.InvariantCulture), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    /// <summary>A target judged only on full runs: quick runs are too short to say anything about speed.</summary>
    public bool? Judge(bool met) => Quick ? null : met;

    /// <summary>The stores a scenario runs on: SQLite always, the local Cosmos server when the script started one.</summary>
    public IEnumerable<(string Name, Action<WebApplicationBuilder> Configure)> Stores()
    {
        yield return ("sqlite", _ => { });
        if (CosmosEndpoint is { } endpoint)
        {
            yield return ("cosmos (local server)", b => BenchHost.UseCosmos(b, endpoint));
        }
    }
}

/// <summary>Command line of Marketplace.Benchmarks: <c>[--quick] [--seconds N] [--only P1,P3,...] [--out DIR]</c>.</summary>
public sealed record BenchOptions(bool Quick, TimeSpan Duration, IReadOnlySet<string> Only, string OutputDirectory)
{
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var quick = false;
        int? seconds = null;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var output = "bench";
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--seconds":
                    seconds = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture);
                    break;
                case "--only":
                    only.UnionWith(Next(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--out":
                    output = Next(args, ref i);
                    break;
                default:
                    // The old form: one number, the seconds of each load.
                    seconds = int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                        ? s
                        : throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--quick] [--seconds N] [--only P1,P3,...] [--out DIR]");
                    break;
            }
        }
        return new BenchOptions(quick, TimeSpan.FromSeconds(seconds ?? (quick ? 1 : 10)), only, output);
    }

    private static string Next(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}

/// <summary>One benchmark scenario of issue 13 (P1..P8), or a micro-benchmark suite (M) or an extra stage (X...).</summary>
public interface IScenario
{
    /// <summary>"P1".."P8", "M", or "X-cluster", "X-harvest"...: what --only names.</summary>
    string Id { get; }

    string Title { get; }

    /// <summary>Whether a run without --only includes it (extras that need more than the machine's defaults do not).</summary>
    bool InDefaultRun => true;

    Task RunAsync(BenchContext context);
}
