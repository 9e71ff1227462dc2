using Marketplace.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests;

public abstract class ContractLifecycleTests(ClusterFixture fixture)
{
    internal static ContractTerms Terms(string providerId, ApprovalMode approval, UsagePolicy? policy = null) =>
        new($"off-{Guid.NewGuid():N}", "ds-x", providerId, DatasetClass.Private,
            PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), policy ?? UsagePolicy.Open, approval);

    private IContractGrain NewContract() => fixture.Grains.GetGrain<IContractGrain>($"ctr-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_contract_needing_approval_stays_requested_until_its_provider_approves()
    {
        var contract = NewContract();

        var opened = await contract.Open("buyer-1", "research", Terms("prov-1", ApprovalMode.Provider));
        var approved = await contract.Transition(ContractAction.Approve, new ApiPrincipal("prov-1", PartyRole.Provider), null);

        Assert.Equal(ContractStatus.Requested, opened.Status);
        Assert.Equal(ContractStatus.Active, approved.Status);
        Assert.NotNull(approved.ActivatedAt);
    }

    [Fact]
    public async Task Automatic_approval_activates_at_once()
    {
        var opened = await NewContract().Open("buyer-1", "research", Terms("prov-1", ApprovalMode.Automatic));

        Assert.Equal(ContractStatus.Active, opened.Status);
    }

    [Fact]
    public async Task Another_provider_cannot_approve_and_learns_nothing()
    {
        var contract = NewContract();
        await contract.Open("buyer-1", "research", Terms("prov-1", ApprovalMode.Provider));

        var ex = await Assert.ThrowsAsync<DomainException>(() =>
            contract.Transition(ContractAction.Approve, new ApiPrincipal("prov-2", PartyRole.Provider), null));

        Assert.Equal("contract.not-found", ex.Code);
    }

    [Fact]
    public async Task A_buyer_cannot_approve_its_own_request()
    {
        var contract = NewContract();
        await contract.Open("buyer-1", "research", Terms("prov-1", ApprovalMode.Provider));

        var ex = await Assert.ThrowsAsync<DomainException>(() =>
            contract.Transition(ContractAction.Approve, new ApiPrincipal("buyer-1", PartyRole.Buyer), null));

        Assert.Equal("contract.not-permitted", ex.Code);
    }

    [Fact]
    public async Task Suspend_resume_terminate_then_nothing_more()
    {
        var contract = NewContract();
        var provider = new ApiPrincipal("prov-1", PartyRole.Provider);
        await contract.Open("buyer-1", "research", Terms("prov-1", ApprovalMode.Automatic));

        Assert.Equal(ContractStatus.Suspended, (await contract.Transition(ContractAction.Suspend, provider, "late payment")).Status);
        Assert.False((await contract.Authorize("buyer-1", 10, Guid.NewGuid().ToString("N"))).Allowed);
        Assert.Equal(ContractStatus.Active, (await contract.Transition(ContractAction.Resume, provider, null)).Status);
        Assert.True((await contract.Authorize("buyer-1", 10, Guid.NewGuid().ToString("N"))).Allowed);
        var ended = await contract.Transition(ContractAction.Terminate, new ApiPrincipal("buyer-1", PartyRole.Buyer), null);
        var ex = await Assert.ThrowsAsync<DomainException>(() => contract.Transition(ContractAction.Resume, provider, null));

        Assert.Equal(ContractStatus.Terminated, ended.Status);
        Assert.Equal("contract.illegal-transition", ex.Code);
        Assert.Equal(5, ended.History.Count);
    }

    [Fact]
    public async Task A_retried_transition_answers_as_the_first_and_stores_nothing_more()
    {
        var contract = NewContract();
        var provider = new ApiPrincipal("prov-1", PartyRole.Provider);
        await contract.Open("buyer-1", "research", Terms("prov-1", ApprovalMode.Provider));
        var approved = await contract.Transition(ContractAction.Approve, provider, "checked");

        var retried = await contract.Transition(ContractAction.Approve, provider, "checked");
        var byAnother = await Assert.ThrowsAsync<DomainException>(() =>
            contract.Transition(ContractAction.Approve, new ApiPrincipal("op-1", PartyRole.Operator), "checked"));

        Assert.Equal(approved.Status, retried.Status);
        Assert.Equal(approved.History, retried.History);
        Assert.Equal("contract.illegal-transition", byAnother.Code);
        Assert.Equal(approved.History, (await contract.Get())!.History);
    }

    [Theory]
    [InlineData(ContractAction.Approve)]
    [InlineData(ContractAction.Reject)]
    [InlineData(ContractAction.Suspend)]
    [InlineData(ContractAction.Resume)]
    [InlineData(ContractAction.Terminate)]
    public async Task An_operator_acting_on_an_unknown_contract_finds_nothing_and_stores_nothing(ContractAction action)
    {
        var contract = NewContract();

        var ex = await Assert.ThrowsAsync<DomainException>(() =>
            contract.Transition(action, new ApiPrincipal("operator", PartyRole.Operator), "sweep"));
        var stored = await StoredStateOf(contract);

        Assert.Equal("contract.not-found", ex.Code);
        Assert.False(stored.RecordExists, "a transition on an unknown contract wrote state");
        Assert.Null(await contract.Get());
    }

    private async Task<IGrainState<ContractState>> StoredStateOf(IContractGrain contract)
    {
        var silo = (Orleans.TestingHost.InProcessSiloHandle)fixture.Cluster.Primary!;
        var storage = silo.SiloHost.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(GrainStorage.Name);
        var state = new GrainState<ContractState>(new ContractState());
        await storage.ReadStateAsync("contract", contract.GetGrainId(), state);
        return state;
    }

    [Fact]
    public async Task Someone_else_authorizing_on_a_contract_finds_nothing()
    {
        var contract = NewContract();
        await contract.Open("buyer-1", "research", Terms("prov-1", ApprovalMode.Automatic));

        var ex = await Assert.ThrowsAsync<DomainException>(() => contract.Authorize("buyer-2", 1, Guid.NewGuid().ToString("N")));

        Assert.Equal("contract.not-found", ex.Code);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class SqliteContractLifecycleTests(ClusterFixture fixture) : ContractLifecycleTests(fixture);

[Collection(CosmosClusterCollection.Name)]
public sealed class CosmosContractLifecycleTests(CosmosClusterFixture fixture) : ContractLifecycleTests(fixture);

/// <summary>Moves its cluster's clock, so it runs on a cluster of its own (the rule is in the grain's memory, not the store).</summary>
[Collection(OwnClockClusterCollection.Name)]
public sealed class ContractExpiryTests(OwnClockClusterFixture fixture)
{
    private IContractGrain NewContract() => fixture.Grains.GetGrain<IContractGrain>($"ctr-{Guid.NewGuid():N}");

    private static ContractTerms Terms(string providerId, ApprovalMode approval, UsagePolicy? policy = null) =>
        ContractLifecycleTests.Terms(providerId, approval, policy);

    [Fact]
    public async Task A_contract_past_its_term_denies_access_as_ended()
    {
        var contract = NewContract();
        var policy = new UsagePolicy(["research"], null, 30, null, false);
        await contract.Open("buyer-1", "research", Terms("prov-1", ApprovalMode.Automatic, policy));

        var before = await contract.Authorize("buyer-1", 1, Guid.NewGuid().ToString("N"));
        fixture.Clock.Advance(TimeSpan.FromDays(31));
        var after = await contract.Authorize("buyer-1", 1, Guid.NewGuid().ToString("N"));
        var view = await contract.Get();

        Assert.True(before.Allowed);
        Assert.Equal(AccessDenial.ContractEnded, after.Denial);
        Assert.Equal(ContractStatus.Expired, view!.Status);
    }
}
