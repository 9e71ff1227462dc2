using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Marketplace.Domain;
using Marketplace.Grains;
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
public sealed class MarketplaceFactory : WebApplicationFactory<Program>
{
    public MarketplaceFactory(string? dataDirectory = null, long? maxUploadBytes = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        MaxUploadBytes = maxUploadBytes;
    }

    public string DataDirectory { get; }

    public long? MaxUploadBytes { get; }

    /// <summary>2026-11-10 09:00 in Tokyo: the middle of billing period 2026-11.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero));

    public string OperatorKey
    {
        get
        {
            _ = Server; // the key is written when the host first starts
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
        builder.ConfigureTestServices(services =>
            services.Replace(ServiceDescriptor.Singleton(new BillingCalendar(Time, BillingPeriod.DefaultZone))));
    }

    public HttpClient ClientWithKey(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One marketplace shared by the API tests; every test creates its own parties and ids.</summary>
public sealed class MarketplaceFixture : IAsyncLifetime
{
    public MarketplaceFactory Factory { get; } = new();

    public MarketplaceDriver Driver { get; private set; } = null!;

    public Task InitializeAsync()
    {
        _ = Factory.Server; // starts the host (and the silo)
        Driver = new MarketplaceDriver(Factory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
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
