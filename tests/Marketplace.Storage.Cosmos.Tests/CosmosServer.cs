using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Marketplace.Storage.Cosmos.Tests;

/// <summary>
/// The Cosmos endpoint the tests run against: <c>MARKETPLACE_COSMOS_ENDPOINT</c> (and optionally
/// <c>MARKETPLACE_COSMOS_KEY</c>) when set, such as the official emulator or an Azure account; otherwise the
/// repository's local server (tools/cosmos-emulator), started on a free port and stopped on dispose.
/// </summary>
public sealed partial class CosmosServer : IAsyncLifetime
{
    private Process? process;

    public string Endpoint { get; private set; } = "";

    public string Key { get; private set; } = CosmosStoreOptions.EmulatorKey;

    /// <summary>Options for a store over a database of its own, with quick retries so fault tests stay short.</summary>
    public CosmosStoreOptions Options(string database, Action<CosmosStoreOptions>? configure = null)
    {
        var options = new CosmosStoreOptions
        {
            Endpoint = Endpoint,
            Key = Key,
            Database = database,
            AcceptAnyServerCertificate = true,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return options;
    }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("MARKETPLACE_COSMOS_ENDPOINT") is { Length: > 0 } endpoint)
        {
            Endpoint = endpoint;
            Key = Environment.GetEnvironmentVariable("MARKETPLACE_COSMOS_KEY") is { Length: > 0 } key ? key : CosmosStoreOptions.EmulatorKey;
            return;
        }

        var directory = Path.Combine(RepositoryRoot(), "tools", "cosmos-emulator");
        if (!File.Exists(Path.Combine(directory, "server.js")) || !Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            throw new InvalidOperationException($"The local Cosmos server is not installed: run `npm ci` in {directory} (or `build.ps1 emulator`), or set MARKETPLACE_COSMOS_ENDPOINT.");
        }

        var start = new ProcessStartInfo("node", ["server.js", "--port", "0", "--host", "127.0.0.1"])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ReadyLine().Match(line) is { Success: true } ready)
            {
                Endpoint = ready.Groups[1].Value;
                // Keep draining stdout so the server never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                return;
            }
        }

        throw new InvalidOperationException($"The local Cosmos server exited before it was ready: {await errors}");
    }

    public async Task DisposeAsync()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Marketplace.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Marketplace.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"cosmos-emulator listening on (\S+)")]
    private static partial Regex ReadyLine();
}

[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosServer>
{
    public const string Name = "cosmos";
}
