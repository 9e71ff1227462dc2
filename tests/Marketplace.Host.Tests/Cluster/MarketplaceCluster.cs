using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Parties;
using Marketplace.Storage.Cosmos.Tests;

namespace Marketplace.Host.Tests.Cluster;

/// <summary>
/// Three marketplace hosts as real processes on loopback, one Orleans cluster: Redis membership (a fresh cluster id
/// each time: dead rows of earlier runs never meet it), the local Cosmos server as the shared store (a fresh
/// database), each host with its own data directory and ports. The first host starts alone (it makes the operator),
/// the others join it.
/// </summary>
public sealed class MarketplaceCluster : IAsyncLifetime
{
    /// <summary>Hosts of the tests' cluster.</summary>
    public const int Size = 3;

    private readonly int hosts;

    /// <summary>The tests' cluster of <see cref="Size"/> hosts (xUnit's fixtures have one public constructor).</summary>
    public MarketplaceCluster()
        : this(Size)
    {
    }

    private MarketplaceCluster(int hosts) => this.hosts = hosts;

    /// <summary>A cluster of another size (the benchmark's one host against three).</summary>
    public static MarketplaceCluster Of(int hosts) => new(hosts);

    private readonly CosmosServer _cosmos = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "marketplace-cluster-" + Guid.NewGuid().ToString("N")[..8]);
    private RedisServer? _redis;

    public IReadOnlyList<ClusterHost> Hosts { get; private set; } = [];

    public string OperatorKey { get; private set; } = "";

    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..10];

    public static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(90);

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await _cosmos.InitializeAsync();
        string[] settings =
        [
            "--Marketplace:Store=Cosmos",
            $"--Marketplace:Cosmos:Endpoint={_cosmos.Endpoint}",
            $"--Marketplace:Cosmos:Key={_cosmos.Key}",
            "--Marketplace:Cosmos:AcceptAnyServerCertificate=true",
            $"--Marketplace:Cosmos:Database={ClusterId}",
            "--Marketplace:Cluster:Mode=Cluster",
            $"--Marketplace:Cluster:Redis={_redis.ConnectionString}",
            $"--Marketplace:Cluster:ClusterId={ClusterId}",
            // A rehearsal clock on every host, moved together (AdvanceAllAsync), so a test can take the cluster
            // through a month end; each host keeps its offset in its own data directory across a restart.
            "--Marketplace:TestClock:Enabled=true",
            "--Marketplace:Billing:IssuerName=Cluster City Data Exchange",
            "--Marketplace:Billing:IssuerRegistration=T9999999999999",
            "--Marketplace:RateLimits:PerAddress:Burst=100000",
            "--Marketplace:RateLimits:PerAddress:TokensPerPeriod=100000",
        ];
        Hosts = [.. Enumerable.Range(0, hosts).Select(i => new ClusterHost($"host-{(char)('a' + i)}", _root, settings))];
        Hosts[0].Start();
        await Hosts[0].WaitReadyAsync(StartWithin);
        var keyFile = Path.Combine(Hosts[0].DataDirectory, "operator.key");
        OperatorKey = (await File.ReadAllTextAsync(keyFile)).Trim();
        foreach (var host in Hosts.Skip(1))
        {
            host.Start();
        }
        await Task.WhenAll(Hosts.Skip(1).Select(h => h.WaitReadyAsync(StartWithin)));
        await WaitForActiveSilosAsync(hosts);
    }

    /// <summary>
    /// Waits until the membership table in Redis lists <paramref name="count"/> silos as Active: the hosts are one
    /// cluster, not three clusters of one that merely share a store.
    /// </summary>
    public async Task WaitForActiveSilosAsync(int count)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis!.ConnectionString);
        var table = redis.GetDatabase();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var active = 0;
        while (watch.Elapsed < StartWithin)
        {
            // Orleans.Clustering.Redis keeps one hash per cluster, "{serviceId}/members/{clusterId}"; Status 3 is Active.
            var rows = await table.HashGetAllAsync($"marketplace/members/{ClusterId}");
            active = rows.Count(r => r.Value.ToString().Contains("\"Status\":3", StringComparison.Ordinal));
            if (active == count)
            {
                return;
            }
            await Task.Delay(100); // polling real processes' membership; no test clock is involved
        }
        throw new InvalidOperationException($"The membership table lists {active} active silos, not {count}.\n{Logs()}");
    }

    public HttpClient Operator(int host = 0) => Hosts[host].Client(OperatorKey);

    /// <summary>Restarts any host an earlier test left killed and waits until all are Active members again.</summary>
    public async Task EnsureAllRunningAsync()
    {
        var stopped = Hosts.Where(h => !h.Running).ToList();
        foreach (var host in stopped)
        {
            host.Start();
        }
        await Task.WhenAll(stopped.Select(h => h.WaitReadyAsync(StartWithin)));
        await WaitForActiveSilosAsync(Hosts.Count);
    }

    /// <summary>Moves every running host's rehearsal clock to the same instant (each keeps it across a restart).</summary>
    public async Task AdvanceAllAsync(DateTimeOffset to)
    {
        foreach (var host in Hosts.Where(h => h.Running))
        {
            using var client = host.Client(OperatorKey);
            await MarketplaceDriver.Ok<System.Text.Json.JsonElement>(
                await client.PostAsJsonAsync("/api/v1/test-clock/advance", new { to }), HttpStatusCode.OK);
        }
    }

    /// <summary>A new party of <paramref name="role"/>, registered through the first host.</summary>
    public async Task<(string Id, string Key)> CreatePartyAsync(string role)
    {
        var id = MarketplaceDriver.UniqueId(role);
        using var client = Operator();
        var created = await MarketplaceDriver.Ok<PartyWithKeyResponse>(
            await client.PostAsJsonAsync("/api/v1/parties", new { id, role, name = $"Cluster {role} {id}" }), HttpStatusCode.Created);
        return (created.Id, created.ApiKey);
    }

    /// <summary>
    /// A buyer's active contract on a priced offering of a 50-record private dataset: the parties, dataset and
    /// offering made through host a, the subscription through the last host.
    /// </summary>
    public async Task<(string BuyerKey, string ContractId)> SubscribedContractAsync()
    {
        var (providerId, providerKey) = await CreatePartyAsync("provider");
        var (_, buyerKey) = await CreatePartyAsync("buyer");
        var provider = new Party(providerId, providerKey, Hosts[0].Client(providerKey));
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await MarketplaceDriver.Ok<System.Text.Json.JsonElement>(
            await provider.Client.PostAsJsonAsync("/api/v1/datasets", MarketplaceDriver.BusStopsDataset(datasetId, "private")), HttpStatusCode.Created);
        await MarketplaceDriver.UploadCsvAsync(provider, datasetId, MarketplaceDriver.BusStopsCsv(50));
        var offeringId = await MarketplaceDriver.PublishedOfferingAsync(provider, datasetId);
        var buyer = new Party("buyer", buyerKey, Hosts[^1].Client(buyerKey));
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, offeringId, "research");
        return (buyerKey, contract.Id);
    }

    public string Logs() => string.Join("\n", Hosts.Select(h => $"--- {h.Name} ---\n{h.Tail()}"));

    public async Task DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            await host.DisposeAsync();
        }
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        await _cosmos.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
