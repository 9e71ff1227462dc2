using System.ComponentModel;
using System.Diagnostics;

namespace Marketplace.Host.Tests;

/// <summary>
/// A Node.js tool of the repository's (tools/openapi-lint, tools/shacl-validator) run by the tests: installed with
/// `npm ci` from its lock file when missing, and run as a process in its folder. A missing node or npm fails the
/// test with what to install; it never skips.
/// </summary>
public sealed class NodeTool(string directory, string purpose)
{
    public string Directory { get; } = directory;

    /// <summary>Runs `npm ci` unless <paramref name="installedMarker"/> (a path under node_modules) is there.</summary>
    public async Task EnsureInstalledAsync(params string[] installedMarker)
    {
        if (System.IO.Directory.Exists(Path.Combine([Directory, "node_modules", .. installedMarker])))
        {
            return;
        }
        var (exit, output, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"]);
        Assert.True(exit == 0, $"npm ci in {Directory} failed ({exit}):\n{output}\n{errors}");
    }

    public async Task<(int Exit, string Output, string Errors)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"'{program}' could not be started: {purpose} needs Node.js 20+ and npm on PATH.", e);
        }
        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await errors);
        }
    }
}
