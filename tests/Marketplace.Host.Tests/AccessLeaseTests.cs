using System.Net;
using System.Text.Json;
using Marketplace.Application.Access;
using Marketplace.Domain;
using Marketplace.Host.Tests.Consent;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests;

/// <summary>
/// Fetches on a leased contract make no grain call (ACCESS-LEASE.md), yet every change acknowledged to its caller is
/// in force on the very next fetch, and consent is still read on every fetch of personal data.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class AccessLeaseTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private AccessLeases Leases => fixture.Factory.Services.GetRequiredService<AccessLeases>();

    private static string Records(string contractId, string? cursor = null) =>
        $"/api/v1/contracts/{contractId}/records?limit=10" + (cursor is null ? "" : $"&cursor={cursor}");

    private async Task<(Listing Listing, Party Buyer, string ContractId, JsonElement FirstPage)> LeasedContractAsync()
    {
        var listing = await _driver.ListedOfferingAsync(records: 30);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var first = await MarketplaceDriver.Ok<JsonElement>(await buyer.Client.GetAsync(Records(contract.Id)), HttpStatusCode.OK);
        await Leases.LeaseAsync(contract.Id, buyer.Id); // the one the first fetch asked for, if it is still on its way
        Assert.NotNull(Leases.Find(contract.Id, buyer.Id));
        return (listing, buyer, contract.Id, first);
    }

    [Theory]
    [InlineData("suspend")]
    [InlineData("terminate")]
    public async Task A_leased_contract_the_operator_ended_or_suspended_is_refused_on_the_next_fetch(string action)
    {
        var (_, buyer, contractId, _) = await LeasedContractAsync();
        Assert.Equal(HttpStatusCode.OK, (await buyer.Client.GetAsync(Records(contractId))).StatusCode); // served from the lease

        (await _driver.Operator.PostAsync($"/api/v1/contracts/{contractId}/{action}", null)).EnsureSuccessStatusCode();
        var refused = await buyer.Client.GetAsync(Records(contractId));

        Assert.Equal(ErrorCodes.AccessNotPermitted.Value, (await MarketplaceDriver.Problem(refused, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        Assert.Null(Leases.Find(contractId, buyer.Id));
    }

    [Fact]
    public async Task A_revision_retired_is_refused_and_one_published_is_read_on_the_next_fetch()
    {
        var (listing, buyer, contractId, first) = await LeasedContractAsync();
        var cursor = first.GetProperty("nextCursor").GetString();

        await MarketplaceDriver.UploadCsvAsync(listing.Provider, listing.DatasetId, MarketplaceDriver.BusStopsCsv(5));
        var fresh = await MarketplaceDriver.Ok<JsonElement>(await buyer.Client.GetAsync(Records(contractId)), HttpStatusCode.OK);
        Assert.NotNull(Leases.Find(contractId, buyer.Id));
        (await listing.Provider.Client.PostAsync($"/api/v1/datasets/{listing.DatasetId}/revisions/{first.GetProperty("revisionId").GetString()}/retire", null))
            .EnsureSuccessStatusCode();
        var retired = await buyer.Client.GetAsync(Records(contractId, cursor));

        Assert.Equal(5, fresh.GetProperty("count").GetInt32());
        Assert.NotEqual(first.GetProperty("revisionId").GetString(), fresh.GetProperty("revisionId").GetString());
        Assert.Equal(ErrorCodes.RevisionConflict.Value, (await MarketplaceDriver.Problem(retired, HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_contract_with_a_quota_is_not_leased()
    {
        var listing = await _driver.ListedOfferingAsync(records: 30, policy: new { purposes = new[] { "research" }, maxUnitsPerPeriod = 100 });
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        (await buyer.Client.GetAsync(Records(contract.Id))).EnsureSuccessStatusCode();
        await Leases.LeaseAsync(contract.Id, buyer.Id); // the grain refuses it

        Assert.Null(Leases.Find(contract.Id, buyer.Id));
    }

    [Fact]
    public async Task Another_party_is_not_served_from_a_buyers_lease()
    {
        var (_, _, contractId, _) = await LeasedContractAsync();
        var other = await _driver.CreatePartyAsync("buyer");

        var refused = await other.Client.GetAsync(Records(contractId));

        Assert.Equal(ErrorCodes.ContractNotFound.Value, (await MarketplaceDriver.Problem(refused, HttpStatusCode.NotFound)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_consent_withdrawn_takes_effect_on_the_next_fetch_of_a_leased_personal_contract()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2);
        var consent = await world.ConsentAsync(world.Residents[0]);
        await world.ConsentAsync(world.Residents[1]);
        var (before, _) = await world.FetchAsync();
        await Leases.LeaseAsync(world.Contract.Id, world.Buyer.Id);
        Assert.NotNull(Leases.Find(world.Contract.Id, world.Buyer.Id));

        await world.WithdrawAsync(world.Residents[0], consent.Id);
        var (after, units) = await world.FetchAsync();

        Assert.Equal(2, before.Count);
        Assert.Equal((1, 1L), (after.Count, units));
        Assert.NotNull(Leases.Find(world.Contract.Id, world.Buyer.Id)); // served under the lease, consent read again
    }
}
