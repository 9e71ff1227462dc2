using Marketplace.Host.Tests.Cluster;

namespace Marketplace.Host.Tests.Federation;

/// <summary>
/// Two cities' marketplaces, each its own process (the built host, standalone: no cluster settings) with its own port
/// and data directory: B publishes, A harvests B.
/// </summary>
public sealed class HarvestCities : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "marketplace-harvest-cities", Guid.NewGuid().ToString("N"));

    public ClusterHost A { get; private set; } = null!;

    public ClusterHost B { get; private set; } = null!;

    public MarketplaceDriver CityA { get; private set; } = null!;

    public MarketplaceDriver CityB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        A = new ClusterHost("city-a", _root, []);
        B = new ClusterHost("city-b", _root, []);
        A.Start();
        B.Start();
        await Task.WhenAll(A.WaitReadyAsync(TimeSpan.FromSeconds(90)), B.WaitReadyAsync(TimeSpan.FromSeconds(90)));
        CityA = new MarketplaceDriver(new ClusterEndpoint(A, OperatorKey(A)));
        CityB = new MarketplaceDriver(new ClusterEndpoint(B, OperatorKey(B)));
    }

    private static string OperatorKey(ClusterHost host) => File.ReadAllText(Path.Combine(host.DataDirectory, "operator.key")).Trim();

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process: the temp folder is cleaned another time.
        }
    }
}
