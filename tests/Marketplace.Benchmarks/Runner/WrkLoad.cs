using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Marketplace.Benchmarks.Runner;

/// <summary>
/// Debian's <c>wrk</c> as a load driver, when it is on PATH (build.ps1 bench installs it when it can): the same
/// request as a <see cref="RequestTemplate"/>, its own warm-up run first, and p50/p99 from <c>--latency</c>.
/// A unique header per request goes through a small Lua script. Failures are non-2xx/3xx answers and socket errors.
/// </summary>
public static partial class WrkLoad
{
    public const string DriverName = "wrk";

    private static readonly Lazy<string?> Executable = new(Find);

    public static bool Available => Executable.Value is not null;

    public static async Task<LoadResult> RunAsync(string name, Uri baseAddress, RequestTemplate request, int connections, TimeSpan duration, TimeSpan warmUp)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(request);
        var script = request.UniqueHeader is null ? null : Path.Combine(Path.GetTempPath(), $"marketplace-bench-{Guid.NewGuid():N}.lua");
        try
        {
            if (script is not null)
            {
                await File.WriteAllTextAsync(script, Script(request.UniqueHeader!, request.UniquePrefix + Guid.NewGuid().ToString("N")[..8] + "-"));
            }
            await RunWrkAsync(baseAddress, request, connections, warmUp, script);
            var cpu = ProcessCpu.Seconds();
            var output = await RunWrkAsync(baseAddress, request, connections, duration, script);
            return Parse(name, output) with { CpuSeconds = ProcessCpu.Seconds() - cpu };
        }
        finally
        {
            if (script is not null)
            {
                File.Delete(script);
            }
        }
    }

    private static async Task<string> RunWrkAsync(Uri baseAddress, RequestTemplate request, int connections, TimeSpan duration, string? script)
    {
        var start = new ProcessStartInfo(Executable.Value ?? throw new InvalidOperationException("wrk is not on PATH."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-t", Math.Min(2, connections).ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s", "--latency", "--timeout", "10s" })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (header, value) in request.Headers)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"{header}: {value}");
        }
        if (script is not null)
        {
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(script);
        }
        start.ArgumentList.Add(new Uri(baseAddress, request.Path).ToString());
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
        return await stdout;
    }

    /// <summary>Each wrk thread numbers its requests; the header is prefix + thread + "-" + number.</summary>
    private static string Script(string header, string prefix) => new StringBuilder()
        .AppendLine("local threads = 0")
        .AppendLine("function setup(thread) thread:set(\"tid\", threads); threads = threads + 1 end")
        .AppendLine("local n = 0")
        .AppendLine("request = function()")
        .AppendLine("  n = n + 1")
        .AppendLine(CultureInfo.InvariantCulture, $"  wrk.headers[\"{header}\"] = \"{prefix}\" .. tid .. \"-\" .. n")
        .AppendLine("  return wrk.format()")
        .AppendLine("end")
        .ToString();

    private static LoadResult Parse(string name, string output)
    {
        var requests = long.Parse(RequestsLine().Match(output) is { Success: true } m ? m.Groups[1].Value : throw Unreadable(output), CultureInfo.InvariantCulture);
        var seconds = Seconds(RequestsLine().Match(output).Groups[2].Value, RequestsLine().Match(output).Groups[3].Value);
        long failures = 0;
        if (NonSuccess().Match(output) is { Success: true } non)
        {
            failures += long.Parse(non.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        if (SocketErrors().Match(output) is { Success: true } errors)
        {
            failures += Enumerable.Range(1, 4).Sum(i => long.Parse(errors.Groups[i].Value, CultureInfo.InvariantCulture));
        }
        return new LoadResult(name, requests, failures, seconds, Percentile(output, "50"), Percentile(output, "99"), DriverName);
    }

    private static double Percentile(string output, string p)
    {
        var m = Regex.Match(output, $@"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        return m.Success ? Seconds(m.Groups[1].Value, m.Groups[2].Value) * 1000 : throw Unreadable(output);
    }

    private static double Seconds(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch
    {
        "us" => 1e-6,
        "ms" => 1e-3,
        "s" => 1,
        "m" => 60,
        _ => throw new FormatException($"wrk printed an unknown unit '{unit}'."),
    };

    private static InvalidOperationException Unreadable(string output) => new($"wrk's output was not understood:\n{output}");

    private static string? Find()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "wrk");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s|m),")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
