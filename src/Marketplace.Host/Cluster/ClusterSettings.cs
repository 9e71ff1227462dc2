using System.Net;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Marketplace.Host.Cluster;

/// <summary>How this host runs: alone (the embedded default) or as one silo of a cluster ("Marketplace:Cluster").</summary>
public enum HostingMode
{
    /// <summary>One host: localhost clustering, any store, background jobs in memory.</summary>
    Single,

    /// <summary>One of several hosts: Redis membership, the shared Cosmos store, Hangfire and keys shared.</summary>
    Cluster,
}

/// <summary>
/// The "Marketplace:Cluster" section. In cluster mode every host runs the web front end, the API and a silo
/// (any host answers any request; see DESIGN.md "Cluster"); membership and Hangfire's schedule live in Redis,
/// grain state, records and the keys every host must share (cookies' data-protection keys, receipt signing keys,
/// the pseudonym key) in the shared Cosmos store.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Marketplace:Cluster";

    public HostingMode Mode { get; set; } = HostingMode.Single;

    /// <summary>StackExchange.Redis connection string of the membership table and Hangfire's storage (cluster mode).</summary>
    public string? Redis { get; set; }

    /// <summary>The deployment's identity: stays the same across upgrades (grain state belongs to it).</summary>
    public string ServiceId { get; set; } = "marketplace";

    /// <summary>This cluster's identity: a fresh one starts with an empty membership table.</summary>
    public string ClusterId { get; set; } = "marketplace";

    /// <summary>The address other silos reach this one at; the first address of this machine when not set.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Membership probes: how long one may take before it counts as missed (see DESIGN.md for the measured effect).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row before a silo votes another dead.</summary>
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>How often each silo reads the membership table even when nothing told it to.</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsCluster => Mode == HostingMode.Cluster;

    public static ClusterSettings From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<ClusterSettings>() ?? new ClusterSettings();

    /// <summary>Refuses a cluster that cannot work, with what to change: before anything starts.</summary>
    public void Validate(bool cosmosStore)
    {
        if (!IsCluster)
        {
            return;
        }
        if (!cosmosStore)
        {
            throw new InvalidOperationException(
                "Marketplace:Cluster:Mode is Cluster, but the store is the embedded SQLite file, which serves one host only. "
                + "Set Marketplace:Store=Cosmos (and Marketplace:Cosmos:*) for a cluster, or Marketplace:Cluster:Mode=Single.");
        }
        if (string.IsNullOrWhiteSpace(Redis))
        {
            throw new InvalidOperationException(
                "Marketplace:Cluster:Mode is Cluster but Marketplace:Cluster:Redis is empty: name the Redis server that holds the membership table, e.g. 127.0.0.1:6379.");
        }
        try
        {
            ConfigurationOptions.Parse(Redis);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Marketplace:Cluster:Redis is not a Redis connection string: {e.Message}", e);
        }
        if (string.IsNullOrWhiteSpace(ServiceId) || string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new InvalidOperationException("Marketplace:Cluster:ServiceId and ClusterId must not be empty.");
        }
        if (AdvertisedAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            throw new InvalidOperationException($"Marketplace:Cluster:AdvertisedAddress '{address}' is not an IP address.");
        }
        if (ProbeTimeout <= TimeSpan.Zero || MissedProbesLimit < 1 || TableRefreshTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Marketplace:Cluster:ProbeTimeout, MissedProbesLimit and TableRefreshTimeout must be positive.");
        }
    }

    /// <summary>Joins the silo to the cluster: Redis membership, identities, endpoints and the tuned failure detection.</summary>
    public void Apply(ISiloBuilder silo, int siloPort, int gatewayPort)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var redis = Redis!;
        silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = ServiceId;
            o.ClusterId = ClusterId;
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
            if (AdvertisedAddress is { Length: > 0 } address)
            {
                o.AdvertisedIPAddress = IPAddress.Parse(address);
            }
        });
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.NumMissedProbesLimit = MissedProbesLimit;
            o.TableRefreshTimeout = TableRefreshTimeout;
        });
    }
}
