using System.Diagnostics;
using System.Globalization;
using Marketplace.Benchmarks.Runner;
using Marketplace.Host.Tests;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// P6: <c>build.ps1 run</c> from the outside. The built host starts as its own process on a fresh data directory (time
/// to the first answer of /health), the sample city's seeder runs against it as the script runs it (time until the
/// city is in place), the host rests a few seconds (its resident memory then), and it starts again on the seeded
/// directory (a warm start to serving). The baseline is a bare ASP.NET Core app started the same way (<c>dotnet
/// some.dll</c>, the same runtime settings: this benchmark's own assembly with <c>--bare-app</c>, which maps /health
/// and nothing else): what any web app on this machine pays before it can answer.
/// </summary>
internal sealed class StartupScenario : IScenario
{
    public string Id => "P6";

    public string Title => "start-up to serving with the sample city, memory at rest";

    public async Task RunAsync(BenchContext context)
    {
        var rest = context.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);
        var (bareStart, bareRss) = await BareAppAsync(rest);
        var work = Path.Combine(Path.GetTempPath(), "marketplace-bench", "p6-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(work, "data");
        Directory.CreateDirectory(data);
        try
        {
            TimeSpan cold, seeded;
            double seededRss, seedingPeak;
            await using (var host = await HostProcess.StartAsync(data, RunArguments))
            {
                cold = host.StartUp;
                var clock = Stopwatch.StartNew();
                await SeedAsync(host.BaseUrl, work);
                seeded = host.StartUp + clock.Elapsed;
                await Task.Delay(rest); // at rest: no request for a few seconds, as a person looks at the catalog
                seededRss = ResidentMemory.CurrentMiB(host.ProcessId);
                seedingPeak = ResidentMemory.PeakMiB(host.ProcessId);
            }
            TimeSpan warm;
            double warmRss;
            await using (var host = await HostProcess.StartAsync(data, RunArguments))
            {
                warm = host.StartUp;
                await Task.Delay(rest);
                warmRss = ResidentMemory.CurrentMiB(host.ProcessId);
            }

            const string Bare = "bare ASP.NET Core app (dotnet app.dll, /health only)";
            context.Report.Add(new BenchRow(Id, "cold start to serving /health, fresh data directory", cold.TotalMilliseconds, "ms",
                BaselineMeasure: Bare, BaselineValue: bareStart.TotalMilliseconds));
            context.Report.Add(new BenchRow(Id, "cold start to the sample city seeded (build.ps1 run)", seeded.TotalMilliseconds, "ms",
                PeakRssMiB: seedingPeak, BaselineMeasure: Bare, BaselineValue: bareStart.TotalMilliseconds,
                Note: string.Create(CultureInfo.InvariantCulture, $"the seeder itself took {(seeded - cold).TotalSeconds:N1} s (a separate process, over HTTP)")));
            context.Report.Add(new BenchRow(Id, "warm start to serving /health, sample city already seeded", warm.TotalMilliseconds, "ms",
                BaselineMeasure: Bare, BaselineValue: bareStart.TotalMilliseconds));
            context.Report.Add(new BenchRow(Id, string.Create(CultureInfo.InvariantCulture, $"resident memory at rest, {rest.TotalSeconds:N0} s after seeding the sample city"), seededRss, "MiB",
                BaselineMeasure: "bare ASP.NET Core app at rest", BaselineValue: bareRss));
            context.Report.Add(new BenchRow(Id, string.Create(CultureInfo.InvariantCulture, $"resident memory at rest, {rest.TotalSeconds:N0} s after a warm start"), warmRss, "MiB",
                BaselineMeasure: "bare ASP.NET Core app at rest", BaselineValue: bareRss));
        }
        finally
        {
            BenchHost.DeleteDataDirectory(work);
        }
    }

    /// <summary>The settings build.ps1 run gives the host (a rehearsal marketplace with a test clock and a fictional issuer).</summary>
    private static readonly string[] RunArguments =
    [
        "--Marketplace:TestClock:Enabled=true",
        "--Marketplace:Billing:IssuerName=港未来市データ取引所 (Minato-Mirai Data Exchange)",
        "--Marketplace:Billing:IssuerRegistration=T9000000000009",
    ];

    private static async Task SeedAsync(string baseUrl, string work)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var seeder = Path.Combine(HostProcess.FindRepositoryRoot(AppContext.BaseDirectory), "samples", "Marketplace.Samples.SmartCity", "bin", configuration, "net10.0", "Marketplace.Samples.SmartCity.dll");
        if (!File.Exists(seeder))
        {
            throw new FileNotFoundException("The sample city's seeder is not built; build the solution first.", seeder);
        }
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { seeder, "seed", "--url", baseUrl, "--operator-key-file", Path.Combine("data", "operator.key"), "--keys-file", Path.Combine("data", "demo-keys.env") })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
        {
            await process.WaitForExitAsync(limit.Token);
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The seeder exited with code {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    /// <summary>Starts this assembly as a bare app; the time to its first /health answer and its resident memory at rest.</summary>
    private static async Task<(TimeSpan StartUp, double RestMiB)> BareAppAsync(TimeSpan rest)
    {
        var url = $"http://127.0.0.1:{MarketplaceFactory.FreePort().ToString(CultureInfo.InvariantCulture)}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { typeof(StartupScenario).Assembly.Location, "--bare-app", "--urls", url, "--Logging:LogLevel:Default=Warning" })
        {
            start.ArgumentList.Add(arg);
        }
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException("The bare app did not answer /health.");
                }
                try
                {
                    if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(20); // polling a starting process, as HostProcess does
            }
            var startUp = clock.Elapsed;
            await Task.Delay(rest);
            return (startUp, ResidentMemory.CurrentMiB(process.Id));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}

/// <summary>The baseline of P6: an ASP.NET Core app with the default builder that answers /health and does nothing else.</summary>
internal static class BareApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/health", () => "ok");
        await app.RunAsync();
        return 0;
    }
}
