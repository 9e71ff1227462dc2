using Marketplace.Domain;

namespace Marketplace.Grains.Tests.Faults;

public abstract partial class FailedWriteTests
{
    private static readonly byte[] Secret = [1, 2, 3, 4];

    private static string NewPrefix() => Guid.NewGuid().ToString("N")[..12];

    private IApiKeyGrain Key(string prefix) => Grains.GetGrain<IApiKeyGrain>(prefix);

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_registration_that_failed_to_store_leaves_no_party_and_its_retry_registers_it(Fault fault)
    {
        var party = Grains.GetGrain<IPartyGrain>(NewId("prov"));

        await FailsOnItsWrite(fault, "party", party, () => party.Register(PartyRole.Provider, "Minato Rail"));

        Assert.Null(await party.GetProfile());
        Assert.Equal("Minato Rail", (await party.Register(PartyRole.Provider, "Minato Rail")).Name);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_key_the_party_failed_to_store_is_neither_listed_nor_issued_and_its_retry_issues_it(Fault fault)
    {
        var party = await RegisteredAsync(PartyRole.Buyer);
        var prefix = NewPrefix();

        await FailsOnItsWrite(fault, "party", party, () => party.AddKey(prefix, Secret));

        Assert.Empty(await party.ListKeys());
        Assert.False((await Key(prefix).Verify(Secret)).KnownPrefix);
        await party.AddKey(prefix, Secret);
        Assert.NotNull((await Key(prefix).Verify(Secret)).Principal);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_key_whose_issue_failed_to_store_does_not_verify_and_its_retry_issues_it(Fault fault)
    {
        var party = await RegisteredAsync(PartyRole.Buyer);
        var prefix = NewPrefix();

        await FailsOnItsWrite(fault, "apikey", Key(prefix), () => party.AddKey(prefix, Secret));

        Assert.False((await Key(prefix).Verify(Secret)).KnownPrefix);
        await Key(prefix).Issue(new ApiPrincipal(party.GetPrimaryKeyString(), PartyRole.Buyer), Secret);
        Assert.Equal(party.GetPrimaryKeyString(), (await Key(prefix).Verify(Secret)).Principal?.PartyId);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_refused_key_whose_undo_failed_to_store_is_listed_as_the_store_holds_it(Fault fault)
    {
        var party = await RegisteredAsync(PartyRole.Buyer);
        var prefix = NewPrefix();
        await Key(prefix).Issue(new ApiPrincipal(NewId("other"), PartyRole.Buyer), Secret);

        // The party records the key (first write), the key grain refuses the taken prefix, and the party's undo fails.
        await FailsOnItsWrite(fault, "party", party, () => party.AddKey(prefix, Secret), passing: 1);

        Assert.Equal(prefix, Assert.Single(await party.ListKeys()).Prefix);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_revocation_the_key_failed_to_store_leaves_the_key_working_as_stored_and_its_retry_revokes_it(Fault fault)
    {
        var party = await RegisteredAsync(PartyRole.Buyer);
        var prefix = NewPrefix();
        await party.AddKey(prefix, Secret);

        await FailsOnItsWrite(fault, "apikey", Key(prefix), () => party.RevokeKey(prefix));

        Assert.NotNull((await Key(prefix).Verify(Secret)).Principal);
        Assert.Null(Assert.Single(await party.ListKeys()).RevokedAt);
        await party.RevokeKey(prefix);
        Assert.Null((await Key(prefix).Verify(Secret)).Principal);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_revocation_the_party_failed_to_store_lists_the_key_as_stored_and_its_retry_records_it(Fault fault)
    {
        var party = await RegisteredAsync(PartyRole.Buyer);
        var prefix = NewPrefix();
        await party.AddKey(prefix, Secret);

        await FailsOnItsWrite(fault, "party", party, () => party.RevokeKey(prefix));

        Assert.Null(Assert.Single(await party.ListKeys()).RevokedAt);
        Assert.Null((await Key(prefix).Verify(Secret)).Principal);
        Assert.NotNull((await party.RevokeKey(prefix)).RevokedAt);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_revocation_of_a_key_grain_that_failed_to_store_keeps_verifying_as_stored(Fault fault)
    {
        var partyId = NewId("buyer");
        await Grains.GetGrain<IPartyGrain>(partyId).Register(PartyRole.Buyer, "Buyer");
        var prefix = NewPrefix();
        await Key(prefix).Issue(new ApiPrincipal(partyId, PartyRole.Buyer), Secret);

        await FailsOnItsWrite(fault, "apikey", Key(prefix), () => Key(prefix).Revoke(partyId));

        Assert.NotNull((await Key(prefix).Verify(Secret)).Principal);
        Assert.True(await Key(prefix).Revoke(partyId));
        Assert.Null((await Key(prefix).Verify(Secret)).Principal);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_suspension_that_failed_to_store_leaves_the_party_active_and_its_retry_suspends_it(Fault fault)
    {
        var party = await RegisteredAsync(PartyRole.Buyer);

        await FailsOnItsWrite(fault, "party", party, () => party.Suspend("unpaid invoices", Operator.PartyId));

        Assert.Equal(PartyStatus.Active, await party.GetStatus());
        Assert.Equal(PartyStatus.Suspended, (await party.Suspend("unpaid invoices", Operator.PartyId)).Status);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_reinstatement_that_failed_to_store_leaves_the_party_suspended_and_its_retry_reinstates_it(Fault fault)
    {
        var party = await RegisteredAsync(PartyRole.Buyer);
        await party.Suspend("unpaid invoices", Operator.PartyId);

        await FailsOnItsWrite(fault, "party", party, () => party.Reinstate());

        Assert.Equal(PartyStatus.Suspended, await party.GetStatus());
        Assert.Equal(PartyStatus.Active, (await party.Reinstate()).Status);
    }
}
