using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;

namespace Marketplace.Host.Tests.Cluster;

/// <summary>
/// One marketplace host as its own process (the built Marketplace.Host.dll), a silo of the cluster on loopback with
/// its own data directory, ports and log file. <see cref="Kill"/> is SIGKILL: no shutdown of any kind.
/// </summary>
public sealed class ClusterHost : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _arguments;
    private Process? _process;

    public ClusterHost(string name, string root, IReadOnlyList<string> settings)
    {
        Name = name;
        DataDirectory = Path.Combine(root, name);
        Directory.CreateDirectory(DataDirectory);
        HttpPort = MarketplaceFactory.FreePort();
        SiloPort = MarketplaceFactory.FreePort();
        GatewayPort = MarketplaceFactory.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}");
        var hostDll = HostDll();
        _arguments =
        [
            hostDll, "--urls", BaseAddress.ToString().TrimEnd('/'), "--contentRoot", Path.GetDirectoryName(hostDll)!,
            $"--Marketplace:DataDirectory={DataDirectory}",
            $"--Marketplace:SiloPort={SiloPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Marketplace:GatewayPort={GatewayPort.ToString(CultureInfo.InvariantCulture)}",
            "--Marketplace:Cluster:AdvertisedAddress=127.0.0.1",
            .. settings,
        ];
    }

    public string Name { get; }

    public string DataDirectory { get; }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public Uri BaseAddress { get; }

    public string LogFile => Path.Combine(DataDirectory, "host.log");

    public bool Running => _process is { HasExited: false };

    public void Start()
    {
        if (Running)
        {
            throw new InvalidOperationException($"{Name} is running already.");
        }
        var start = new ProcessStartInfo("dotnet", _arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var log = new StreamWriter(LogFile, append: true) { AutoFlush = true };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    log.WriteLine(line);
                }
            }
        }
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.Exited += (_, _) => { lock (gate) { log.Dispose(); } };
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits until the host answers /health (its silo is up), failing with its log if it exits or takes too long.</summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (!Running)
            {
                throw new InvalidOperationException($"{Name} exited during start-up:\n{Tail()}");
            }
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
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
            await Task.Delay(100); // polling a real process's start-up; nothing here runs on a test clock
        }
        throw new InvalidOperationException($"{Name} did not answer /health within {within.TotalSeconds:0} s:\n{Tail()}");
    }

    /// <summary>SIGKILL: the process ends at once, with no chance to leave the cluster or flush anything.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit();
        }
    }

    public HttpClient Client(string? apiKey = null, HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = BaseAddress;
        client.Timeout = TimeSpan.FromSeconds(30);
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    public string Tail(int lines = 60)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }

    /// <summary>The host built alongside these tests: src/Marketplace.Host/bin/{configuration}/net10.0/Marketplace.Host.dll.</summary>
    private static string HostDll()
    {
        var configuration = typeof(ClusterHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Marketplace.sln")))
        {
            directory = directory.Parent;
        }
        if (directory is null)
        {
            throw new InvalidOperationException("The cluster tests run from inside the repository (Marketplace.sln not found above the test binaries).");
        }
        var dll = Path.Combine(directory.FullName, "src", "Marketplace.Host", "bin", configuration, "net10.0", "Marketplace.Host.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"Build the host first: {dll} is missing.");
    }
}

/// <summary>One cluster host as a marketplace the test helpers drive (their clients call only this host).</summary>
public sealed class ClusterEndpoint(ClusterHost host, string operatorKey) : IMarketplaceEndpoint
{
    public HttpClient ClientWithKey(string apiKey) => host.Client(apiKey);

    public string OperatorKey => operatorKey;

    /// <summary>The wall clock: a cluster test moves business time only forward (test clock), never behind it.</summary>
    public TimeProvider Clock => TimeProvider.System;
}
