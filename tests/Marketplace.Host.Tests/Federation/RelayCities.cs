using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Parties;
using Marketplace.Host.Tests.Cluster;

namespace Marketplace.Host.Tests.Federation;

/// <summary>
/// Two cities' marketplaces as separate processes (the built Marketplace.Host.dll), each standalone on its own ports
/// and data directory, with rehearsal clocks moved together to the middle of one billing period.
/// </summary>
public sealed class RelayCities : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "marketplace-relay-" + Guid.NewGuid().ToString("N")[..8]);

    public ClusterHost CityA { get; private set; } = null!;

    public ClusterHost CityB { get; private set; } = null!;

    public string OperatorKeyA { get; private set; } = "";

    public string OperatorKeyB { get; private set; } = "";

    /// <summary>The billing period both clocks stand in (YYYY-MM).</summary>
    public string Period { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string[] settings =
        [
            "--Marketplace:TestClock:Enabled=true",
            "--Marketplace:RateLimits:PerAddress:Burst=100000",
            "--Marketplace:RateLimits:PerAddress:TokensPerPeriod=100000",
        ];
        CityA = new ClusterHost("city-a", _root, settings);
        CityB = new ClusterHost("city-b", _root, settings);
        CityA.Start();
        CityB.Start();
        await Task.WhenAll(CityA.WaitReadyAsync(MarketplaceCluster.StartWithin), CityB.WaitReadyAsync(MarketplaceCluster.StartWithin));
        OperatorKeyA = (await File.ReadAllTextAsync(Path.Combine(CityA.DataDirectory, "operator.key"))).Trim();
        OperatorKeyB = (await File.ReadAllTextAsync(Path.Combine(CityB.DataDirectory, "operator.key"))).Trim();
        // The 15th of next month, 12:00 in Tokyo: far from a period's edge, the same instant in both cities.
        var next = DateTimeOffset.UtcNow.AddMonths(1);
        var to = new DateTimeOffset(next.Year, next.Month, 15, 3, 0, 0, TimeSpan.Zero);
        Period = to.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        foreach (var (city, key) in new[] { (CityA, OperatorKeyA), (CityB, OperatorKeyB) })
        {
            using var client = city.Client(key);
            await MarketplaceDriver.Ok<System.Text.Json.JsonElement>(await client.PostAsJsonAsync("/api/v1/test-clock/advance", new { to }), HttpStatusCode.OK);
        }
    }

    /// <summary>A new party of <paramref name="role"/> in <paramref name="city"/>, with its key.</summary>
    public async Task<Party> PartyAsync(ClusterHost city, string role)
    {
        var id = MarketplaceDriver.UniqueId(role);
        using var op = city.Client(city == CityA ? OperatorKeyA : OperatorKeyB);
        var created = await MarketplaceDriver.Ok<PartyWithKeyResponse>(
            await op.PostAsJsonAsync("/api/v1/parties", new { id, role, name = $"{city.Name} {role} {id}" }), HttpStatusCode.Created);
        return new Party(created.Id, created.ApiKey, city.Client(created.ApiKey));
    }

    public async Task DisposeAsync()
    {
        await CityA.DisposeAsync();
        await CityB.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
