using System.Diagnostics;
using System.Net.Sockets;

namespace Marketplace.Host.Tests.Cluster;

/// <summary>
/// A real redis-server (Debian's package; build.ps1 test installs it) on a free loopback port, in memory only, for
/// the cluster's membership table and Hangfire's storage. The tests fail, never skip, when it is missing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var path = Environment.GetEnvironmentVariable("MARKETPLACE_REDIS_SERVER") is { Length: > 0 } configured ? configured : "/usr/bin/redis-server";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The cluster tests need redis-server at {path}: `apt-get install redis-server` (build.ps1 test installs it), or set MARKETPLACE_REDIS_SERVER.");
        }
        var port = MarketplaceFactory.FreePort();
        var start = new ProcessStartInfo(path, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, deadline.Token);
                return server;
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Yield();
            }
            catch (OperationCanceledException)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server did not listen on port {port} within 15 s.");
            }
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at start with code {process.ExitCode}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
