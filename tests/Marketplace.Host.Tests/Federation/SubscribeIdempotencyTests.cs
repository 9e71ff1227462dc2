using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Contracts;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Federation;

/// <summary>A partner city subscribing here retries with its Idempotency-Key: one contract, whatever happens to the answers.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class SubscribeIdempotencyTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver driver = fixture.Driver;

    [Fact]
    public async Task A_retried_subscription_with_the_same_key_answers_the_same_contract()
    {
        var listing = await driver.ListedOfferingAsync(records: 2);
        var buyer = await driver.CreatePartyAsync("buyer");

        var first = await SubscribeWithKeyAsync(buyer, listing.OfferingId, "research", "relay-key-1", HttpStatusCode.Created);
        var retried = await SubscribeWithKeyAsync(buyer, listing.OfferingId, "research", "relay-key-1", HttpStatusCode.Created);

        Assert.Equal(first.Id, retried.Id);
        var contracts = await Ok<ContractListResponse>(await buyer.Client.GetAsync($"/api/v1/contracts?offeringId={listing.OfferingId}"), HttpStatusCode.OK);
        Assert.Single(contracts.Items);
    }

    [Fact]
    public async Task The_same_key_for_another_offering_is_refused_with_409()
    {
        var listing = await driver.ListedOfferingAsync(records: 2);
        var other = await driver.ListedOfferingAsync(records: 2);
        var buyer = await driver.CreatePartyAsync("buyer");
        await SubscribeWithKeyAsync(buyer, listing.OfferingId, "research", "relay-key-2", HttpStatusCode.Created);

        using var request = Request(other.OfferingId, "research", "relay-key-2");
        var problem = await Problem(await buyer.Client.SendAsync(request), HttpStatusCode.Conflict);

        Assert.Equal("idempotency-key.conflict", problem.GetProperty("code").GetString());
    }

    private static async Task<ContractResponse> SubscribeWithKeyAsync(Party buyer, string offeringId, string purpose, string key, HttpStatusCode expected)
    {
        using var request = Request(offeringId, purpose, key);
        return await Ok<ContractResponse>(await buyer.Client.SendAsync(request), expected);
    }

    private static HttpRequestMessage Request(string offeringId, string purpose, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/offerings/{offeringId}/contracts") { Content = JsonContent.Create(new { purpose }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
