using System.Diagnostics;
using System.Globalization;

namespace Marketplace.Host.Tests;

/// <summary>The marketplace as a real operating-system process (for crash tests): same build, own ports and data.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, string baseUrl, string dataDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
    }

    public string BaseUrl { get; }

    /// <summary>The operating system's id of the host process (for its resident memory).</summary>
    public int ProcessId => _process.Id;

    public string DataDirectory { get; }

    /// <summary>From the process start to the first answer of /health (polled every 20 ms).</summary>
    public TimeSpan StartUp { get; private set; }

    public string OperatorKey => File.ReadAllText(Path.Combine(DataDirectory, "operator.key")).Trim();

    /// <param name="arguments">More command-line settings, e.g. "--Kestrel:Certificates:Default:Path=...".</param>
    /// <param name="urls">What Kestrel listens on besides BaseUrl (e.g. an https:// address).</param>
    public static async Task<HostProcess> StartAsync(string dataDirectory, IReadOnlyList<string>? arguments = null, string? urls = null)
    {
        // Another process on the machine may take a port between FreePort and the bind: then start again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(dataDirectory, arguments, urls);
            }
            catch (HostStartException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<HostProcess> StartOnceAsync(string dataDirectory, IReadOnlyList<string>? arguments, string? urls)
    {
        var testBin = AppContext.BaseDirectory; // .../tests/Marketplace.Host.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(testBin).Parent!.Name;
        var repo = FindRepositoryRoot(testBin);
        var hostDir = Path.Combine(repo, "src", "Marketplace.Host", "bin", configuration, "net10.0");
        var baseUrl = $"http://127.0.0.1:{MarketplaceFactory.FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = hostDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            Path.Combine(hostDir, "Marketplace.Host.dll"), "--urls", urls is null ? baseUrl : $"{baseUrl};{urls}", "--contentRoot", hostDir,
            $"--Marketplace:DataDirectory={dataDirectory}",
            $"--Marketplace:SiloPort={MarketplaceFactory.FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--Marketplace:GatewayPort={MarketplaceFactory.FreePort().ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(arguments ?? []))
        {
            start.ArgumentList.Add(arg);
        }
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        var host = new HostProcess(process, baseUrl, dataDirectory);
        // The last lines the host wrote to stderr: why it stopped, if it stops during start-up.
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                host._errors.Enqueue(line);
                while (host._errors.Count > 40 && host._errors.TryDequeue(out string? _))
                {
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitHealthyAsync();
            host.StartUp = clock.Elapsed;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>SIGKILL on Unix (TerminateProcess on Windows): no shutdown hooks, no flushing.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains stderr, so the reason is in _errors
                throw new HostStartException($"The host exited during start-up with code {_process.ExitCode}:\n{string.Join('\n', _errors)}");
            }
            try
            {
                if ((await client.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(20); // polling a starting process, not waiting on test logic
        }
        throw new TimeoutException("The host did not become healthy within 60 s.");
    }

    public static string FindRepositoryRoot(string from)
    {
        for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Marketplace.sln not found above the test binaries.");
    }
}

/// <summary>The host process stopped before it served /health; the message carries its last lines of stderr.</summary>
public sealed class HostStartException(string message) : Exception(message);
