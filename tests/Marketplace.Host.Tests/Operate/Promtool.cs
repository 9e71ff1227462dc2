using System.Diagnostics;

namespace Marketplace.Host.Tests.Operate;

/// <summary>
/// Prometheus' own checker of the text exposition format (Debian's `prometheus` package; build/Promtool.ps1 installs
/// it). Tests that need it fail, never skip, when it is missing.
/// </summary>
public static class Promtool
{
    public static string Path => Environment.GetEnvironmentVariable("MARKETPLACE_PROMTOOL") is { Length: > 0 } path ? path : "/usr/bin/promtool";

    /// <summary>Runs `promtool check metrics` on the exposition: its exit code and every line it printed.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Lines)> CheckMetricsAsync(string exposition)
    {
        Assert.True(File.Exists(Path),
            $"promtool is not at {Path}. Run `dotnet pwsh ./build.ps1 test` as root (it installs Debian's prometheus package), or `sudo apt-get install -y prometheus`, or set MARKETPLACE_PROMTOOL.");
        using var process = Process.Start(new ProcessStartInfo(Path, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await output + "\n" + await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (process.ExitCode, lines);
    }
}
