using System.Net;

namespace Marketplace.Host.Tests.Cluster;

public sealed partial class ClusterTests
{
    [Fact]
    public async Task A_suspension_through_one_host_is_in_force_on_the_very_next_fetch_through_the_others_that_hold_its_lease()
    {
        await cluster.EnsureAllRunningAsync();
        var (buyerKey, contractId) = await cluster.SubscribedContractAsync();
        var path = $"/api/v1/contracts/{contractId}/records?limit=5";
        using var onB = cluster.Hosts[1].Client(buyerKey);
        using var onC = cluster.Hosts[2].Client(buyerKey);
        // The first fetch on each host leases the contract there; the second is served from the lease.
        foreach (var client in new[] { onB, onC, onB, onC })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }

        using var operatorOnA = cluster.Operator(0);
        (await operatorOnA.PostAsync($"/api/v1/contracts/{contractId}/suspend", null)).EnsureSuccessStatusCode();
        var refusedOnB = await onB.GetAsync(path);
        var refusedOnC = await onC.GetAsync(path);
        (await operatorOnA.PostAsync($"/api/v1/contracts/{contractId}/resume", null)).EnsureSuccessStatusCode();
        var servedAgain = await onB.GetAsync(path);

        await MarketplaceDriver.Problem(refusedOnB, HttpStatusCode.Forbidden);
        await MarketplaceDriver.Problem(refusedOnC, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, servedAgain.StatusCode);
    }
}
