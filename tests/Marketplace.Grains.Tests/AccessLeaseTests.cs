using System.Collections.Concurrent;
using Marketplace.Domain;
using Marketplace.Domain.Aggregates;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Grains.Tests;

/// <summary>
/// Access leases (ACCESS-LEASE.md): a change is acknowledged only once every silo holding a lease dropped it, or the
/// lease expired. The cluster's clock is its own: these tests move it.
/// </summary>
public sealed class AccessLeaseTests(OwnClockClusterFixture fixture) : IClassFixture<OwnClockClusterFixture>
{
    /// <summary>Real time a grain call may take on a busy machine; the waits tested here are on the fake clock.</summary>
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(30);

    private static readonly ApiPrincipal Operator = new("marketplace", PartyRole.Operator);

    [Fact]
    public async Task An_active_uncapped_contract_leases_its_terms_and_dataset()
    {
        var world = await ActiveContractAsync(UsagePolicy.Open);

        var lease = await world.Contract.Lease(world.BuyerId, world.Reference);

        Assert.NotNull(lease);
        Assert.Equal((world.BuyerId, world.DatasetId, AccessLeaseTerms.Lifetime), (lease.BuyerId, lease.Dataset.Id, lease.ValidFor));
        Assert.Equal(["rev-1"], lease.Dataset.Revisions.Select(r => r.RevisionId));
    }

    [Fact]
    public async Task Contracts_with_a_quota_or_for_aggregates_only_get_no_lease()
    {
        var capped = await ActiveContractAsync(UsagePolicy.Open with { MaxUnitsPerPeriod = 100 });
        var aggregates = await ActiveContractAsync(UsagePolicy.Open with { Aggregates = new AggregatePolicy(["stop_id"], []) });

        Assert.Null(await capped.Contract.Lease(capped.BuyerId, capped.Reference));
        Assert.Null(await aggregates.Contract.Lease(aggregates.BuyerId, aggregates.Reference));
    }

    [Theory]
    [InlineData(ContractAction.Suspend)]
    [InlineData(ContractAction.Terminate)]
    public async Task A_transition_is_acknowledged_after_the_silo_dropped_the_lease(ContractAction action)
    {
        var world = await ActiveContractAsync(UsagePolicy.Open);
        Assert.NotNull(await world.Contract.Lease(world.BuyerId, world.Reference));

        await world.Contract.Transition(action, Operator, "a test");

        Assert.Equal([$"contract:{world.ContractId}"], world.Observer.Revoked);
        Assert.Null(await world.Contract.Lease(world.BuyerId, world.Reference));
    }

    [Fact]
    public async Task Every_change_fetches_see_revokes_the_datasets_leases_first()
    {
        var world = await ActiveContractAsync(UsagePolicy.Open);
        var dataset = fixture.Grains.GetGrain<IDatasetGrain>(world.DatasetId);
        var revoked = $"dataset:{world.DatasetId}";
        Func<Task>[] changes =
        [
            () => dataset.PublishRevision(world.ProviderId, Revision("rev-2")),
            () => dataset.RetireRevision(world.ProviderId, "rev-1"),
            () => dataset.AttachFeed(world.ProviderId, new NgsiLdFeed(["BusStop"], [new NgsiLdMapping("id", "stop_id")], TimeSpan.FromHours(1))),
            () => dataset.DetachFeed(world.ProviderId),
        ];

        foreach (var change in changes)
        {
            Assert.NotNull(await world.Contract.Lease(world.BuyerId, world.Reference));
            var before = world.Observer.Revoked.Count(r => r == revoked);
            await change();
            Assert.Equal(before + 1, world.Observer.Revoked.Count(r => r == revoked));
        }
    }

    [Fact]
    public async Task A_silo_that_never_answers_delays_the_change_until_its_lease_expires()
    {
        var world = await ActiveContractAsync(UsagePolicy.Open);
        var silent = new SilentObserver();
        var reference = fixture.Cluster.Client.CreateObjectReference<IAccessLeaseObserver>(silent);
        var lease = await world.Contract.Lease(world.BuyerId, reference);
        Assert.NotNull(lease);

        await SuspensionWaitsForTheSilentSiloAsync(world, silent, lease.ValidFor, "the change waits for the silo until its lease expires");
    }

    [Fact]
    public async Task A_reactivated_contract_revokes_the_leases_its_earlier_activation_gave_and_changes_at_once()
    {
        var world = await ActiveContractAsync(UsagePolicy.Open);
        Assert.NotNull(await world.Contract.Lease(world.BuyerId, world.Reference));

        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(ContractStatus.Active, (await world.Contract.Get())!.Status); // reactivated, its lease table lost
        var suspended = await world.Contract.Transition(ContractAction.Suspend, Operator, "a test").WaitAsync(CallBound);

        Assert.Equal(ContractStatus.Suspended, suspended.Status);
        Assert.Equal([$"contract:{world.ContractId}"], world.Observer.Revoked); // the silo it had leased to, from its stored state
    }

    [Fact]
    public async Task A_reactivated_contract_waits_until_activation_plus_L_for_an_earlier_silo_that_does_not_answer()
    {
        var world = await ActiveContractAsync(UsagePolicy.Open);
        var silent = new SilentObserver();
        Assert.NotNull(await world.Contract.Lease(world.BuyerId, fixture.Cluster.Client.CreateObjectReference<IAccessLeaseObserver>(silent)));

        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(ContractStatus.Active, (await world.Contract.Get())!.Status); // reactivated
        await SuspensionWaitsForTheSilentSiloAsync(world, silent, AccessLeaseTerms.Lifetime,
            "the first change within L of activation waits for a silent silo until activation + L");
    }

    /// <summary>A suspension that asks the silent silo is still waiting 1 s before <paramref name="waitsFor"/> and done at it.</summary>
    private async Task SuspensionWaitsForTheSilentSiloAsync(World world, SilentObserver silent, TimeSpan waitsFor, string why)
    {
        var suspending = world.Contract.Transition(ContractAction.Suspend, Operator, "a test");
        await silent.Asked.Task.WaitAsync(CallBound);
        fixture.Clock.Advance(waitsFor - TimeSpan.FromSeconds(1));
        var stillWaiting = !suspending.IsCompleted;
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var suspended = await suspending.WaitAsync(CallBound);

        Assert.True(stillWaiting, why);
        Assert.Equal(ContractStatus.Suspended, suspended.Status);
        GC.KeepAlive(silent);
    }

    [Fact]
    public async Task A_change_clears_the_stored_silos_so_the_next_activation_asks_none()
    {
        var world = await ActiveContractAsync(UsagePolicy.Open);
        Assert.NotNull(await world.Contract.Lease(world.BuyerId, world.Reference));
        await world.Contract.Transition(ContractAction.Suspend, Operator, "a test").WaitAsync(CallBound);

        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(ContractStatus.Suspended, (await world.Contract.Get())!.Status); // reactivated
        await world.Contract.Transition(ContractAction.Resume, Operator, "a test").WaitAsync(CallBound);

        Assert.Equal([$"contract:{world.ContractId}"], world.Observer.Revoked); // once, by the first change only
    }

    [Fact]
    public async Task A_contract_that_never_leased_changes_at_once_after_reactivation()
    {
        var world = await ActiveContractAsync(UsagePolicy.Open);

        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var suspended = await world.Contract.Transition(ContractAction.Suspend, Operator, "a test").WaitAsync(CallBound);

        Assert.Equal(ContractStatus.Suspended, suspended.Status);
    }

    [Fact]
    public async Task A_lease_ends_no_later_than_the_contract()
    {
        var world = await ActiveContractAsync(UsagePolicy.Open with { EndsAt = fixture.Clock.GetUtcNow().AddSeconds(4) });

        var lease = await world.Contract.Lease(world.BuyerId, world.Reference);

        Assert.NotNull(lease);
        Assert.True(lease.ValidFor <= TimeSpan.FromSeconds(4), $"valid for {lease.ValidFor}");
    }

    private static DatasetRevision Revision(string id) => new(id, 1, 10, OwnClockClusterFixture.Start, RevisionStatus.Published);

    private async Task<World> ActiveContractAsync(UsagePolicy policy)
    {
        var suffix = Guid.NewGuid().ToString("N");
        var (providerId, buyerId, datasetId, contractId) = ($"prov-{suffix}", $"buyer-{suffix}", $"ds-{suffix}", $"ctr-{suffix}");
        await fixture.Grains.GetGrain<IPartyGrain>(providerId).Register(PartyRole.Provider, "Provider");
        await fixture.Grains.GetGrain<IPartyGrain>(buyerId).Register(PartyRole.Buyer, "Buyer");
        var dataset = fixture.Grains.GetGrain<IDatasetGrain>(datasetId);
        await dataset.Create(providerId, new DatasetDefinition(DatasetClass.Private,
            new DatasetMetadata("Bus stops", "Where the buses stop.", ["bus"], ["transport"], "City", "proprietary", null, null, null, null, "ja"),
            new DatasetSchema([new SchemaField("stop_id", FieldType.String, true)], null)));
        await dataset.PublishRevision(providerId, Revision("rev-1"));
        var contract = fixture.Grains.GetGrain<IContractGrain>(contractId);
        await contract.Open(buyerId, "research", new ContractTerms($"off-{suffix}", datasetId, providerId, DatasetClass.Private,
            PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), policy, ApprovalMode.Automatic));
        var observer = new RecordingObserver();
        return new World(providerId, buyerId, datasetId, contractId, contract, observer, fixture.Cluster.Client.CreateObjectReference<IAccessLeaseObserver>(observer));
    }

    private sealed record World(string ProviderId, string BuyerId, string DatasetId, string ContractId, IContractGrain Contract, RecordingObserver Observer,
        IAccessLeaseObserver Reference);

    private sealed class RecordingObserver : IAccessLeaseObserver
    {
        private readonly ConcurrentQueue<string> _revoked = new();

        public IReadOnlyList<string> Revoked => [.. _revoked];

        public Task RevokeContract(string contractId)
        {
            _revoked.Enqueue($"contract:{contractId}");
            return Task.CompletedTask;
        }

        public Task RevokeDataset(string datasetId)
        {
            _revoked.Enqueue($"dataset:{datasetId}");
            return Task.CompletedTask;
        }
    }

    /// <summary>A silo cut off from the cluster: it gets the revocation and never answers.</summary>
    private sealed class SilentObserver : IAccessLeaseObserver
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task RevokeContract(string contractId)
        {
            Asked.TrySetResult();
            return new TaskCompletionSource().Task;
        }

        public Task RevokeDataset(string datasetId) => new TaskCompletionSource().Task;
    }
}
