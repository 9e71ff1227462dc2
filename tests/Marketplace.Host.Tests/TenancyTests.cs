using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Host.Features.Offerings;

namespace Marketplace.Host.Tests;

/// <summary>What another tenant learns: nothing more than from an id that does not exist, and no other buyer's name.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class TenancyTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    [Fact]
    public async Task A_buyer_named_on_a_private_offering_sees_only_itself_among_its_buyers()
    {
        var first = await _driver.CreatePartyAsync("buyer");
        var second = await _driver.CreatePartyAsync("buyer");
        var listing = await _driver.ListedOfferingAsync(records: 3, visibility: "private", buyers: [first.Id, second.Id]);

        var asFirst = await MarketplaceDriver.Ok<OfferingResponse>(await first.Client.GetAsync($"/api/v1/offerings/{listing.OfferingId}"), HttpStatusCode.OK);
        var asProvider = await MarketplaceDriver.Ok<OfferingResponse>(
            await listing.Provider.Client.GetAsync($"/api/v1/offerings/{listing.OfferingId}"), HttpStatusCode.OK);

        Assert.Equal([first.Id], asFirst.Buyers);
        Assert.Equal([first.Id, second.Id], asProvider.Buyers);
    }

    [Fact]
    public async Task Another_tenants_ids_answer_byte_for_byte_as_unknown_ids_apart_from_the_trace_id()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, visibility: "private", buyers: [(await _driver.CreatePartyAsync("buyer")).Id]);
        var owner = await _driver.CreatePartyAsync("buyer");
        var open = await _driver.ListedOfferingAsync(records: 3);
        var contract = (await MarketplaceDriver.SubscribeAsync(owner, open.OfferingId, "research")).Id;
        var otherBuyer = await _driver.CreatePartyAsync("buyer");
        var otherProvider = await _driver.CreatePartyAsync("provider");
        var cases = new (Party Caller, HttpMethod Method, string Template, string RealId, object? Body)[]
        {
            (otherProvider, HttpMethod.Get, "/api/v1/datasets/{id}", listing.DatasetId, null),
            (otherProvider, HttpMethod.Post, "/api/v1/datasets/{id}/revisions/rev-x/retire", listing.DatasetId, null),
            (otherBuyer, HttpMethod.Get, "/api/v1/offerings/{id}", listing.OfferingId, null),
            (otherBuyer, HttpMethod.Post, "/api/v1/offerings/{id}/contracts", listing.OfferingId, new { purpose = "research" }),
            (otherProvider, HttpMethod.Post, "/api/v1/offerings/{id}/publish", listing.OfferingId, null),
            (otherBuyer, HttpMethod.Get, "/api/v1/contracts/{id}", contract, null),
            (otherProvider, HttpMethod.Get, "/api/v1/contracts/{id}", contract, null),
            (otherBuyer, HttpMethod.Get, "/api/v1/contracts/{id}/usage", contract, null),
            (otherBuyer, HttpMethod.Get, "/api/v1/contracts/{id}/records", contract, null),
            (otherProvider, HttpMethod.Post, "/api/v1/contracts/{id}/suspend", contract, null),
            (otherBuyer, HttpMethod.Post, "/api/v1/contracts/{id}/terminate", contract, null),
            (otherBuyer, HttpMethod.Get, "/api/v1/parties/{id}/keys", owner.Id, null),
        };
        var differences = new List<string>();

        foreach (var (caller, method, template, realId, body) in cases)
        {
            var unknownId = realId[..Math.Min(realId.Length, 3)] + "-unknown-" + Guid.NewGuid().ToString("N")[..8];
            var mine = await AnswerAsync(caller, method, template.Replace("{id}", realId, StringComparison.Ordinal), body, realId);
            var unknown = await AnswerAsync(caller, method, template.Replace("{id}", unknownId, StringComparison.Ordinal), body, unknownId);
            if (mine != unknown)
            {
                differences.Add($"{method} {template}:\n  another tenant's: {mine}\n  unknown:          {unknown}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    /// <summary>Status, headers that describe the body, and the body with the id and the trace id taken out.</summary>
    private static async Task<string> AnswerAsync(Party caller, HttpMethod method, string url, object? body, string id)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await caller.Client.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        json.Remove("traceId");
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {json.ToJsonString().Replace(id, "{id}", StringComparison.Ordinal)}";
    }
}
