using System.Globalization;
using Marketplace.Host.Tests.Cluster;

namespace Marketplace.Benchmarks;

/// <summary>
/// Cluster mode (issue 11): brokered, metered fetches of 10 records against one host and against three hosts of one
/// cluster, in the same run, on this machine: real host processes on loopback over Redis and the local Cosmos server
/// (the tests' cluster rig). The load spreads round-robin over the hosts; every fetch is a new usage event.
/// </summary>
internal static class ClusterBench
{
    private const int Connections = 32;

    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration)
    {
        var results = new List<LoadResult>();
        foreach (var size in new[] { 1, 3 })
        {
            var cluster = MarketplaceCluster.Of(size);
            await cluster.InitializeAsync();
            try
            {
                var (buyerKey, contractId) = await cluster.SubscribedContractAsync();
                var clients = cluster.Hosts.Select(h => h.Client(buyerKey)).ToArray();
                try
                {
                    results.Add(await LoadGenerator.RunAsync(
                        string.Create(CultureInfo.InvariantCulture, $"cluster of {size} host{(size == 1 ? "" : "s")}, brokered fetch of 10 records"),
                        cluster.Hosts[0].BaseAddress, Connections, duration,
                        async (_, worker, _) => (await clients[worker % size].GetAsync($"/api/v1/contracts/{contractId}/records?limit=10")).IsSuccessStatusCode));
                }
                finally
                {
                    foreach (var client in clients)
                    {
                        client.Dispose();
                    }
                }
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        }
        return results;
    }
}
