using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage.Cosmos.Tests;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Host.Tests;

/// <summary>
/// A whole marketplace (ASP.NET Core + Orleans silo + SQLite store) on its own data directory and free
/// ports, with a fake clock. Dispose it and start another on the same directory to test durability.
/// </summary>
public sealed class MarketplaceFactory : WebApplicationFactory<Program>, IMarketplaceEndpoint
{
    public MarketplaceFactory(string? dataDirectory = null, long? maxUploadBytes = null, CosmosServer? cosmos = null, string? cosmosDatabase = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        Settings = settings ?? new Dictionary<string, string>();
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        MaxUploadBytes = maxUploadBytes;
        Cosmos = cosmos;
        CosmosDatabase = cosmosDatabase ?? $"mk-{Guid.NewGuid():N}";
    }

    /// <summary>When set, the marketplace runs on Cosmos (a database of its own on this server) instead of SQLite.</summary>
    public CosmosServer? Cosmos { get; }

    public string CosmosDatabase { get; }

    public string DataDirectory { get; }

    public long? MaxUploadBytes { get; }

    /// <summary>Configuration applied last, e.g. "Marketplace:RateLimits:PerKey:Burst".</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Runs after the host's own registrations (e.g. to decorate a storage port with faults).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>2026-11-10 09:00 in Tokyo: the middle of billing period 2026-11.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero));

    TimeProvider IMarketplaceEndpoint.Clock => Time;

    public string OperatorKey
    {
        get
        {
            StartServer(); // the key is written when the host first starts (TestServer or Kestrel)
            return File.ReadAllText(Path.Combine(DataDirectory, "operator.key")).Trim();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Marketplace:DataDirectory", DataDirectory);
        builder.UseSetting("Marketplace:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Marketplace:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (MaxUploadBytes is { } max)
        {
            builder.UseSetting("Marketplace:MaxUploadBytes", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // In-process clients share one (absent) address: tests must not throttle each other unless they mean to.
        builder.UseSetting("Marketplace:RateLimits:PerAddress:Burst", "1000000");
        builder.UseSetting("Marketplace:RateLimits:PerAddress:TokensPerPeriod", "1000000");
        builder.UseSetting("Marketplace:RateLimits:SignInPerAddress:Burst", "1000000");
        builder.UseSetting("Marketplace:RateLimits:SignInPerAddress:TokensPerPeriod", "1000000");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        if (Cosmos is not null)
        {
            builder.UseSetting("Marketplace:Store", "Cosmos");
            builder.UseSetting("Marketplace:Cosmos:Endpoint", Cosmos.Endpoint);
            builder.UseSetting("Marketplace:Cosmos:Key", Cosmos.Key);
            builder.UseSetting("Marketplace:Cosmos:Database", CosmosDatabase);
            builder.UseSetting("Marketplace:Cosmos:AcceptAnyServerCertificate", "true");
        }
        builder.ConfigureTestServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton(new BillingCalendar(Time, BillingPeriod.DefaultZone)));
            ConfigureServices?.Invoke(services);
        });
    }

    public HttpClient ClientWithKey(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>
    /// A port nothing listens on, from below the kernel's ephemeral range (32768 and up on Linux, 49152 and up on
    /// Windows). A port the kernel hands out for "port 0" is free only until the next outgoing connection takes it
    /// as its source port, which on a busy test machine happens between this call and the host binding it.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(20000, 32000);
                if (!HandedOut.Add(port))
                {
                    continue;
                }
                try
                {
                    using var listener = new TcpListener(IPAddress.Any, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                }
            }
        }
        throw new InvalidOperationException("No free port between 20000 and 32000.");
    }

    private static readonly HashSet<int> HandedOut = [];
}

/// <summary>
/// One marketplace shared by the API tests; every test creates its own parties and ids. Its clock is shared too:
/// never move it here. A test that moves time takes a marketplace (and so a clock) of its own, as a class fixture.
/// </summary>
public class MarketplaceFixture : IAsyncLifetime
{
    public MarketplaceFactory Factory { get; private set; } = null!;

    public MarketplaceDriver Driver { get; private set; } = null!;

    protected virtual Task<MarketplaceFactory> CreateFactoryAsync() => Task.FromResult(new MarketplaceFactory());

    public async Task InitializeAsync()
    {
        Factory = await CreateFactoryAsync();
        _ = Factory.Server; // starts the host (and the silo)
        Driver = new MarketplaceDriver(Factory);
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        try
        {
            Directory.Delete(Factory.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MarketplaceCollection : ICollectionFixture<MarketplaceFixture>
{
    public const string Name = "marketplace";
}

/// <summary>The same marketplace on the Cosmos store (the local Cosmos-protocol server unless MARKETPLACE_COSMOS_ENDPOINT is set).</summary>
public sealed class CosmosMarketplaceFixture : MarketplaceFixture
{
    private readonly CosmosServer _server = new();

    protected override async Task<MarketplaceFactory> CreateFactoryAsync()
    {
        await _server.InitializeAsync();
        return new MarketplaceFactory(cosmos: _server);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CosmosMarketplaceCollection : ICollectionFixture<CosmosMarketplaceFixture>
{
    public const string Name = "marketplace-on-cosmos";
}
