using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Marketplace.Benchmarks.Runner;
using Marketplace.Host.Tests;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// P7: the resident memory of a real marketplace process (the built host, on the embedded store) while it ingests
/// 10 million usage events (quick: 200,000) in reports of 1,000 with unique ids, against its memory before the first
/// event. Bounded means flat: the second half of the events must not grow it further than a fixed allowance, however
/// many events come.
/// </summary>
internal sealed class IngestMemoryScenario : IScenario
{
    private const int Connections = 8;

    /// <summary>
    /// What the process may grow by while it ingests the second half of the events: the meter's cache of recent ids
    /// is full long before (≈ 0.6 MiB), SQLite's page cache is fixed, so what is left is the GC's choice of heap size.
    /// </summary>
    private const double SecondHalfAllowanceMiB = 64;

    public string Id => "P7";

    public string Title => "resident memory after 10 million ingested events";

    public async Task RunAsync(BenchContext context)
    {
        var events = context.Size("BENCH_P7_EVENTS", 10_000_000, 200_000);
        var reports = events / UsageReportBodies.EventsPerReport;
        var data = BenchHost.NewDataDirectory();
        try
        {
            await using var host = await HostProcess.StartAsync(data,
            [
                .. new[] { "PerAddress", "PerKey" }.SelectMany(limit => new[]
                {
                    $"--Marketplace:RateLimits:{limit}:Burst=1000000", $"--Marketplace:RateLimits:{limit}:TokensPerPeriod=1000000",
                }),
            ]);
            var uri = new Uri(host.BaseUrl);
            var (_, providerKey, contractId) = await BenchHost.ArrangeContractAsync(uri, data);
            var bodies = new UsageReportBodies(contractId, DateTimeOffset.UtcNow.AddMinutes(-1), randomIds: false);
            var pid = host.ProcessId;
            var atStart = ResidentMemory.CurrentMiB(pid);
            ResidentMemory.ResetPeak(pid);

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Connections };
            using var client = new HttpClient(handler) { BaseAddress = uri, Timeout = TimeSpan.FromMinutes(1) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", providerKey);
            var json = new MediaTypeHeaderValue("application/json");
            long next = -1, failures = 0;
            var atHalf = 0.0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async w =>
            {
                for (var report = Interlocked.Increment(ref next); report < reports; report = Interlocked.Increment(ref next))
                {
                    using var content = new ByteArrayContent(bodies.For(w, report));
                    content.Headers.ContentType = json;
                    using var response = await client.PostAsync("/api/v1/usage", content);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                    if (report == reports / 2)
                    {
                        atHalf = ResidentMemory.CurrentMiB(pid);
                    }
                }
            }));
            var seconds = clock.Elapsed.TotalSeconds;
            var atEnd = ResidentMemory.CurrentMiB(pid);
            var peak = ResidentMemory.PeakMiB(pid);
            var growth = atEnd - atHalf;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"P7: {events:N0} events in {seconds:N1} s; RSS {atStart:N0} MiB at start, {atHalf:N0} at half, {atEnd:N0} at end, peak {peak:N0}"));
            context.Report.Add(new BenchRow(Id, $"resident memory after {events:N0} ingested events [sqlite, host process]", atEnd, "MiB",
                PeakRssMiB: peak,
                BaselineMeasure: "the same process before the first event", BaselineValue: atStart,
                Target: string.Create(CultureInfo.InvariantCulture, $"bounded: the second half of the events grows it ≤ {SecondHalfAllowanceMiB:N0} MiB"),
                Met: context.Judge(failures == 0 && growth <= SecondHalfAllowanceMiB),
                Note: string.Create(CultureInfo.InvariantCulture,
                    $"{atHalf:N0} MiB after half the events; {events / seconds:N0} events/s{(failures > 0 ? $"; {failures:N0} reports failed" : "")}")));
        }
        finally
        {
            BenchHost.DeleteDataDirectory(data);
        }
    }
}
