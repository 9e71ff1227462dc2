using Marketplace.Domain;

namespace Marketplace.Grains.Tests.Faults;

/// <summary>A call the grain refuses leaves its memory as the store holds it: nothing is changed before the refusal.</summary>
[Collection(OwnClockClusterCollection.Name)]
public sealed class RefusedCallTests(OwnClockClusterFixture fixture)
{
    private IContractGrain NewContract() => fixture.Grains.GetGrain<IContractGrain>($"ctr-{Guid.NewGuid():N}");

    [Fact]
    public async Task An_automatic_activation_the_lifecycle_refuses_leaves_no_contract_behind()
    {
        var contract = NewContract();
        // Personal data never activates automatically; the grain is asked to all the same.
        var terms = ContractLifecycleTests.Terms("bank-1", ApprovalMode.Automatic) with { DatasetClass = DatasetClass.Personal };

        await Assert.ThrowsAsync<DomainException>(() => contract.Open("buyer-1", "research", terms));

        Assert.Null(await contract.Get());
    }

    [Fact]
    public async Task A_refused_transition_on_a_contract_past_its_end_adds_nothing_to_its_history()
    {
        var contract = NewContract();
        var policy = new UsagePolicy(["research"], null, 30, null, false);
        var opened = await contract.Open("buyer-1", "research", ContractLifecycleTests.Terms("prov-1", ApprovalMode.Automatic, policy));
        fixture.Clock.Advance(TimeSpan.FromDays(31));

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            contract.Transition(ContractAction.Suspend, new ApiPrincipal("prov-1", PartyRole.Provider), "late payment"));

        Assert.Equal(ErrorCodes.ContractIllegalTransition.Value, refused.Code);
        Assert.Equal(opened.History, (await contract.Get())!.History);
    }
}
