using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Benchmarks.Runner;

/// <summary>The rows of one bench run, written as <c>results.json</c> and a markdown table (<c>results.md</c>).</summary>
public sealed class BenchReport(bool quick, TimeProvider time)
{
    private readonly List<BenchRow> _rows = [];
    private readonly List<string> _failures = [];
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public IReadOnlyList<BenchRow> Rows => _rows;

    public IReadOnlyList<string> Failures => _failures;

    public void Add(BenchRow row)
    {
        _rows.Add(row);
        Console.WriteLine(Line(row));
    }

    /// <summary>A scenario that threw: the run goes on with the next one and ends with a non-zero exit code.</summary>
    public void Fail(string scenario, Exception error)
    {
        _failures.Add($"{scenario}: {error}");
        Console.Error.WriteLine($"{scenario} failed: {error}");
    }

    public async Task WriteAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var machine = Machine();
        // The micro-benchmarks run first (in a process whose heap the loads have not grown: BenchmarkDotNet collects
        // garbage between iterations) but are listed last, after P1..P8.
        var rows = _rows.OrderBy(r => r.Scenario == Scenarios.MicroBenchmarksScenario.ScenarioId ? 1 : 0).ToList();
        var document = new Results(machine, _started, time.GetUtcNow(), Commit(), quick, rows, _failures);
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(document, Json));
        await File.WriteAllTextAsync(Path.Combine(directory, "results.md"), Markdown(document));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public sealed record MachineInfo(string Name, string Os, string Cpu, int Cores, double MemoryGiB, string Runtime);

    public sealed record Results(MachineInfo Machine, DateTimeOffset Started, DateTimeOffset Finished, string Commit, bool Quick,
        IReadOnlyList<BenchRow> Rows, IReadOnlyList<string> Failures);

    private static string Markdown(Results r)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Benchmarks{(r.Quick ? " (quick mode: figures prove the scenarios run, not what they reach)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- machine: {r.Machine.Name}, {r.Machine.Cpu}, {r.Machine.Cores} cores, {r.Machine.MemoryGiB:N1} GiB, {r.Machine.Os}, {r.Machine.Runtime}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {r.Started:yyyy-MM-dd HH:mm} UTC, {(r.Finished - r.Started).TotalMinutes:N1} minutes");
        md.AppendLine(CultureInfo.InvariantCulture, $"- commit: {r.Commit}");
        md.AppendLine();
        md.AppendLine("| | measure | figure | p50 ms | p99 ms | peak RSS MiB | baseline (same run) | ratio | target | met |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---|---:|---|---|");
        foreach (var row in r.Rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {Cell(row.Measure)} | {Figure(row.Value)} {row.Unit} | {Figure(row.P50Ms)} | {Figure(row.P99Ms)} | {Figure(row.PeakRssMiB)} | "
                + $"{(row.BaselineMeasure is null ? "" : $"{Cell(row.BaselineMeasure)}: {Figure(row.BaselineValue)} {row.Unit}")} | "
                + $"{(row.Ratio is { } ratio ? ratio.ToString("P0", CultureInfo.InvariantCulture) : "")} | {Cell(row.Target)} | "
                + $"{row.Met switch { true => "yes", false => "**no**", null => "" }} |");
        }
        if (r.Rows.Any(x => x.Note is not null))
        {
            md.AppendLine();
        }
        foreach (var row in r.Rows.Where(x => x.Note is not null))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {row.Scenario}, {Cell(row.Measure)}: {row.Note}");
        }
        if (r.Failures.Count > 0)
        {
            md.AppendLine().AppendLine("## Failed scenarios");
            foreach (var failure in r.Failures)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {Cell(failure.Split('\n')[0])}");
            }
        }
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Figure(double? value) => value switch
    {
        null => "",
        >= 1000 => value.Value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.Value.ToString("N1", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("N2", CultureInfo.InvariantCulture),
    };

    public static string Line(BenchRow row)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{row.Scenario,-3} {row.Measure,-62} {Figure(row.Value),12} {row.Unit,-9}");
        if (row.P99Ms is { } p99)
        {
            line.Append(CultureInfo.InvariantCulture, $" p50 {Figure(row.P50Ms)} ms p99 {Figure(p99)} ms");
        }
        if (row.PeakRssMiB is { } rss)
        {
            line.Append(CultureInfo.InvariantCulture, $" peak {Figure(rss)} MiB");
        }
        if (row.Ratio is { } ratio)
        {
            line.Append(CultureInfo.InvariantCulture, $" = {ratio:P0} of {row.BaselineMeasure}");
        }
        if (row.Met is { } met)
        {
            line.Append(met ? " [target met]" : $" [target NOT met: {row.Target}]");
        }
        return line.ToString();
    }

    private static MachineInfo Machine()
    {
        var cpu = RuntimeInformation.ProcessArchitecture.ToString();
        if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        return new MachineInfo(Environment.MachineName, RuntimeInformation.OSDescription, cpu, Environment.ProcessorCount,
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), RuntimeInformation.FrameworkDescription);
    }

    private static string Commit()
    {
        try
        {
            var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var sha = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            if (git.ExitCode != 0 || sha.Length == 0)
            {
                return "unknown";
            }
            var dirty = Process.Start(new ProcessStartInfo("git", "status --porcelain --untracked-files=no") { RedirectStandardOutput = true })!;
            var changes = dirty.StandardOutput.ReadToEnd().Trim();
            dirty.WaitForExit();
            return changes.Length > 0 ? sha + " (with uncommitted changes)" : sha;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (git not found)";
        }
    }
}
