using Marketplace.Domain;

namespace Marketplace.Grains.Tests.Faults;

public abstract partial class FailedWriteTests
{
    private IContractGrain NewContract() => Grains.GetGrain<IContractGrain>(NewId("ctr"));

    private static string HoldId() => Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task An_automatically_approved_contract_that_failed_to_store_grants_nothing_and_its_retry_opens_it(Fault fault)
    {
        var contract = NewContract();
        var terms = ContractLifecycleTests.Terms(NewId("prov"), ApprovalMode.Automatic);

        await FailsOnItsWrite(fault, "contract", contract, () => contract.Open("buyer-1", "research", terms));

        Assert.Null(await contract.Get());
        var denied = await Assert.ThrowsAsync<DomainException>(() => contract.Authorize("buyer-1", 1, HoldId()));
        Assert.Equal(ErrorCodes.ContractNotFound.Value, denied.Code);
        Assert.Equal(ContractStatus.Active, (await contract.Open("buyer-1", "research", terms)).Status);
    }

    [Theory]
    [InlineData(ContractAction.Approve, Fault.StoreError)]
    [InlineData(ContractAction.Approve, Fault.Outage)]
    [InlineData(ContractAction.Reject, Fault.StoreError)]
    [InlineData(ContractAction.Reject, Fault.Outage)]
    [InlineData(ContractAction.Suspend, Fault.StoreError)]
    [InlineData(ContractAction.Suspend, Fault.Outage)]
    [InlineData(ContractAction.Resume, Fault.StoreError)]
    [InlineData(ContractAction.Resume, Fault.Outage)]
    [InlineData(ContractAction.Terminate, Fault.StoreError)]
    [InlineData(ContractAction.Terminate, Fault.Outage)]
    public async Task A_transition_that_failed_to_store_leaves_the_stored_status_in_force_and_its_retry_applies_it(ContractAction action, Fault fault)
    {
        var (contract, provider, before) = await ContractReadyFor(action);
        var stored = await contract.Get();

        await FailsOnItsWrite(fault, "contract", contract, () => contract.Transition(action, provider, "checked"));

        var after = await contract.Get();
        Assert.Equal(before, after!.Status);
        Assert.Equal(stored!.History, after.History);
        var grant = await contract.Authorize("buyer-1", 1, HoldId());
        Assert.Equal(before == ContractStatus.Active, grant.Allowed);
        var retried = await contract.Transition(action, provider, "checked");
        Assert.NotEqual(before, retried.Status);
    }

    /// <summary>A contract in the status from which <paramref name="action"/> applies, and who may take it.</summary>
    private async Task<(IContractGrain Contract, ApiPrincipal Actor, ContractStatus Status)> ContractReadyFor(ContractAction action)
    {
        var providerId = NewId("prov");
        var provider = new ApiPrincipal(providerId, PartyRole.Provider);
        var contract = NewContract();
        var approval = action is ContractAction.Approve or ContractAction.Reject ? ApprovalMode.Provider : ApprovalMode.Automatic;
        var opened = await contract.Open("buyer-1", "research", ContractLifecycleTests.Terms(providerId, approval));
        if (action == ContractAction.Resume)
        {
            opened = await contract.Transition(ContractAction.Suspend, provider, "late payment");
        }
        return (contract, provider, opened.Status);
    }
}
