using Marketplace.Domain;

namespace Marketplace.Grains.Tests;

/// <summary>A suspended party's contracts stop serving data within the window, without a party call per access.</summary>
public abstract class PartySuspensionTests(ClusterFixture fixture)
{
    private async Task<(IPartyGrain Provider, IContractGrain Contract, string BuyerId)> ActiveContractAsync()
    {
        var provider = fixture.Grains.GetGrain<IPartyGrain>($"prov-{Guid.NewGuid():N}");
        var buyerId = $"buyer-{Guid.NewGuid():N}";
        await provider.Register(PartyRole.Provider, "Provider");
        await fixture.Grains.GetGrain<IPartyGrain>(buyerId).Register(PartyRole.Buyer, "Buyer");
        var contract = fixture.Grains.GetGrain<IContractGrain>($"ctr-{Guid.NewGuid():N}");
        await contract.Open(buyerId, "research", new ContractTerms($"off-{Guid.NewGuid():N}", "ds-x", provider.GetPrimaryKeyString(),
            DatasetClass.Private, PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), UsagePolicy.Open, ApprovalMode.Automatic));
        return (provider, contract, buyerId);
    }

    [Fact]
    public async Task A_providers_suspension_stops_its_contracts_within_the_window()
    {
        var (provider, contract, buyerId) = await ActiveContractAsync();
        Assert.True((await contract.Authorize(buyerId, 10, Guid.NewGuid().ToString("N"))).Allowed);

        await provider.Suspend("licence dispute", "operator");
        var withinWindow = await contract.Authorize(buyerId, 10, Guid.NewGuid().ToString("N"));
        ClusterFixture.Time.Advance(PartyKeys.ChangesTakeEffectWithin);
        var afterWindow = await contract.Authorize(buyerId, 10, Guid.NewGuid().ToString("N"));

        Assert.True(withinWindow.Allowed, "the contract asks its parties at most once per window");
        Assert.Equal((false, AccessDenial.PartySuspended), (afterWindow.Allowed, afterWindow.Denial));
    }

    [Fact]
    public async Task A_reinstated_providers_contracts_serve_again_after_the_window()
    {
        var (provider, contract, buyerId) = await ActiveContractAsync();
        await provider.Suspend("licence dispute", "operator");
        Assert.False((await contract.Authorize(buyerId, 10, Guid.NewGuid().ToString("N"))).Allowed);

        await provider.Reinstate();
        ClusterFixture.Time.Advance(PartyKeys.ChangesTakeEffectWithin);

        Assert.True((await contract.Authorize(buyerId, 10, Guid.NewGuid().ToString("N"))).Allowed);
    }

    [Fact]
    public async Task A_suspended_buyer_gets_no_data_under_its_contracts()
    {
        var (_, contract, buyerId) = await ActiveContractAsync();

        await fixture.Grains.GetGrain<IPartyGrain>(buyerId).Suspend("unpaid invoices", "operator");
        var grant = await contract.Authorize(buyerId, 10, Guid.NewGuid().ToString("N"));

        Assert.Equal((false, AccessDenial.PartySuspended), (grant.Allowed, grant.Denial));
    }

    [Fact]
    public async Task A_suspended_partys_key_no_longer_verifies()
    {
        var party = fixture.Grains.GetGrain<IPartyGrain>($"buyer-{Guid.NewGuid():N}");
        await party.Register(PartyRole.Buyer, "Buyer");
        var prefix = Guid.NewGuid().ToString("N")[..12];
        byte[] hash = [1, 2, 3];
        await party.AddKey(prefix, hash);
        Assert.NotNull((await fixture.Grains.GetGrain<IApiKeyGrain>(prefix).Verify(hash)).Principal);

        await party.Suspend("unpaid invoices", "operator");
        var verification = await fixture.Grains.GetGrain<IApiKeyGrain>(prefix).Verify(hash);

        Assert.Equal((true, null), (verification.KnownPrefix, verification.Principal));
    }

    [Fact]
    public async Task An_operator_cannot_be_suspended()
    {
        var op = fixture.Grains.GetGrain<IPartyGrain>($"op-{Guid.NewGuid():N}");
        await op.Register(PartyRole.Operator, "Second operator");

        var ex = await Assert.ThrowsAsync<DomainException>(() => op.Suspend("test", "operator"));

        Assert.Equal("party.not-suspendable", ex.Code);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class SqlitePartySuspensionTests(ClusterFixture fixture) : PartySuspensionTests(fixture);

[Collection(CosmosClusterCollection.Name)]
public sealed class CosmosPartySuspensionTests(CosmosClusterFixture fixture) : PartySuspensionTests(fixture);
