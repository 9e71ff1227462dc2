using System.Diagnostics;

namespace Marketplace.Benchmarks;

/// <param name="Driver">What measured it: "HttpClient" (this generator), "socket driver" (Runner/SocketLoad) or "wrk".</param>
/// <param name="CpuSeconds">CPU time this process used during the measured load (server and, unless wrk drove it, the driver).</param>
public sealed record LoadResult(string Name, long Requests, long Failures, double Seconds, double P50Ms, double P99Ms, string Driver = "HttpClient", double? CpuSeconds = null)
{
    public double RequestsPerSecond => Requests / Seconds;

    /// <summary>CPU microseconds per request: what a shared machine's noise hardly moves, unlike requests per second.</summary>
    public double? CpuMicrosecondsPerRequest => CpuSeconds is { } cpu && Requests > 0 ? cpu * 1e6 / Requests : null;
}

/// <summary>A closed-loop load generator: N connections each send the next request when the last answers. Bounded in time.</summary>
public static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(string name, Uri baseAddress, int connections, TimeSpan duration,
        Func<HttpClient, int, long, Task<bool>> request, Action<HttpClient>? configure = null, TimeSpan? warmUp = null)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        configure?.Invoke(client);

        // Warm up: JIT (tiered compilation needs a few seconds under load), connection pool, grain activations.
        using (var warm = new CancellationTokenSource(warmUp ?? TimeSpan.FromSeconds(5)))
        {
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async w =>
            {
                for (long i = 0; !warm.IsCancellationRequested; i++)
                {
                    await request(client, w, -1 - i);
                }
            }));
        }

        var latencies = new List<double>[connections];
        long failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            for (long i = 0; clock.Elapsed < duration; i++)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await request(client, w, i))
                {
                    Interlocked.Increment(ref failures);
                }
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, all.Length, failures, seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}
