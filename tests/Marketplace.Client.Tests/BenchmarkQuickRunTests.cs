using System.Diagnostics;
using System.Text.Json;
using Marketplace.Host.Tests;

namespace Marketplace.Client.Tests;

/// <summary>
/// `build.ps1 bench -Quick` once (on SQLite), as the test run's proof that every benchmark scenario still works: each runs
/// briefly, writes its rows, and none fails. No figure is judged here: speed lives in the full bench run.
/// </summary>
public sealed class BenchmarkQuickRunTests : IDisposable
{
    /// <summary>The scenarios a default bench run holds (issue 13's P1..P8 and the micro-benchmarks).</summary>
    private static readonly string[] Scenarios = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "M"];

    private readonly string _output = Path.Combine(Path.GetTempPath(), "bench-quick-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Every_scenario_runs_in_quick_mode_and_writes_its_rows_without_judging_speed()
    {
        var testBin = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(testBin).Parent!.Name;
        var bench = Path.Combine(HostProcess.FindRepositoryRoot(testBin), "tests", "Marketplace.Benchmarks", "bin", configuration, "net10.0", "Marketplace.Benchmarks.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { bench, "--quick", "--out", _output })
        {
            start.ArgumentList.Add(arg);
        }
        // On the embedded store only: the test run has 20 minutes on 2 cores, and the Cosmos variants of the same
        // scenarios run in every `build.ps1 bench` (and `bench -Quick`), which starts the local Cosmos server.
        start.Environment.Remove("MARKETPLACE_COSMOS_ENDPOINT");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(8)))
        {
            await process.WaitForExitAsync(limit.Token);
        }
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, output);
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "results.json")));
        Assert.True(results.RootElement.GetProperty("quick").GetBoolean());
        Assert.Empty(results.RootElement.GetProperty("failures").EnumerateArray());
        var rows = results.RootElement.GetProperty("rows").EnumerateArray().ToList();
        foreach (var scenario in Scenarios)
        {
            Assert.Contains(rows, r => r.GetProperty("scenario").GetString() == scenario);
        }
        Assert.All(rows, r => Assert.False(r.TryGetProperty("met", out _), "a quick run judges no target"));
        Assert.All(rows, r => Assert.True(r.GetProperty("value").GetDouble() > 0, r.ToString()));
        var markdown = await File.ReadAllTextAsync(Path.Combine(_output, "results.md"));
        Assert.Contains("quick mode", markdown, StringComparison.Ordinal);
        Assert.All(Scenarios, s => Assert.Contains($"| {s} |", markdown, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_output, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
