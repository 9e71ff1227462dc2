using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Features.Parties;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests;

/// <summary>Keys a party can list and revoke, parties the operator can suspend and reinstate.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed partial class PartyKeysTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private static string PrefixOf(string key) => key.Substring(3, ApiKeyIssuer.PrefixLength);

    private async Task<string> IssueKeyAsync(string partyId) =>
        (await MarketplaceDriver.Ok<ApiKeyResponse>(await _driver.Operator.PostAsync($"/api/v1/parties/{partyId}/keys", null), HttpStatusCode.Created)).ApiKey;

    [Fact]
    public async Task A_party_revokes_its_own_key_and_the_key_stops_working_at_once()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var second = await IssueKeyAsync(provider.Id);
        var secondClient = fixture.Factory.ClientWithKey(second);
        await MarketplaceDriver.Ok<PartyResponse>(await secondClient.GetAsync("/api/v1/parties/me"), HttpStatusCode.OK);

        var revoked = await MarketplaceDriver.Ok<PartyKeyResponse>(
            await provider.Client.PostAsync($"/api/v1/parties/{provider.Id}/keys/{PrefixOf(second)}/revoke", null), HttpStatusCode.OK);

        Assert.True(revoked.Revoked);
        await MarketplaceDriver.Problem(await secondClient.GetAsync("/api/v1/parties/me"), HttpStatusCode.Unauthorized);
        await MarketplaceDriver.Ok<PartyResponse>(await provider.Client.GetAsync("/api/v1/parties/me"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_operator_revokes_any_partys_key()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");

        await MarketplaceDriver.Ok<PartyKeyResponse>(
            await _driver.Operator.PostAsync($"/api/v1/parties/{buyer.Id}/keys/{PrefixOf(buyer.Key)}/revoke", null), HttpStatusCode.OK);

        await MarketplaceDriver.Problem(await buyer.Client.GetAsync("/api/v1/parties/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_partys_key_prefix_answers_exactly_like_an_unknown_one()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var other = await _driver.CreatePartyAsync("provider");

        var theirs = await provider.Client.PostAsync($"/api/v1/parties/{provider.Id}/keys/{PrefixOf(other.Key)}/revoke", null);
        var unknown = await provider.Client.PostAsync($"/api/v1/parties/{provider.Id}/keys/abcdefghijkm/revoke", null);

        Assert.Equal(await Body(unknown, "abcdefghijkm"), await Body(theirs, PrefixOf(other.Key)));
        await MarketplaceDriver.Ok<PartyResponse>(await other.Client.GetAsync("/api/v1/parties/me"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_partys_key_list_answers_exactly_like_an_unknown_party()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var other = await _driver.CreatePartyAsync("buyer");

        var theirs = await provider.Client.GetAsync($"/api/v1/parties/{other.Id}/keys");
        var unknown = await provider.Client.GetAsync($"/api/v1/parties/{other.Id}x/keys");

        Assert.Equal(await Body(unknown, other.Id + "x"), await Body(theirs, other.Id));
    }

    [Fact]
    public async Task A_party_lists_its_keys_with_prefixes_dates_and_revocations_but_no_secrets()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        var second = await IssueKeyAsync(buyer.Id);
        await buyer.Client.PostAsync($"/api/v1/parties/{buyer.Id}/keys/{PrefixOf(second)}/revoke", null);

        var response = await buyer.Client.GetAsync($"/api/v1/parties/{buyer.Id}/keys");
        var keys = await MarketplaceDriver.Ok<PartyKeyListResponse>(response, HttpStatusCode.OK);

        Assert.Equal([(PrefixOf(buyer.Key), false), (PrefixOf(second), true)], keys.Items.Select(k => (k.Prefix, k.Revoked)));
        Assert.All(keys.Items, k => Assert.Equal(fixture.Factory.Time.GetUtcNow(), k.IssuedAt));
        Assert.DoesNotContain(buyer.Key[16..], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_party_holds_a_bounded_number_of_active_keys()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        for (var i = 1; i < PartyKeys.MaxActive; i++)
        {
            await IssueKeyAsync(buyer.Id);
        }

        var problem = await MarketplaceDriver.Problem(await _driver.Operator.PostAsync($"/api/v1/parties/{buyer.Id}/keys", null), HttpStatusCode.Conflict);

        Assert.Equal("apikey.limit", problem.GetProperty("code").GetString());
        await buyer.Client.PostAsync($"/api/v1/parties/{buyer.Id}/keys/{PrefixOf(buyer.Key)}/revoke", null);
        await IssueKeyAsync(buyer.Id);
    }

    [Fact]
    public async Task A_suspended_partys_keys_stop_working_and_work_again_once_reinstated()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        await MarketplaceDriver.Ok<PartyResponse>(await buyer.Client.GetAsync("/api/v1/parties/me"), HttpStatusCode.OK);

        var suspended = await MarketplaceDriver.Ok<PartyResponse>(
            await _driver.Operator.PostAsJsonAsync($"/api/v1/parties/{buyer.Id}/suspend", new { reason = "unpaid invoices" }), HttpStatusCode.OK);
        var whileSuspended = await buyer.Client.GetAsync("/api/v1/parties/me");
        await MarketplaceDriver.Ok<PartyResponse>(await _driver.Operator.PostAsync($"/api/v1/parties/{buyer.Id}/reinstate", null), HttpStatusCode.OK);
        var afterwards = await buyer.Client.GetAsync("/api/v1/parties/me");

        Assert.Equal(("suspended", "unpaid invoices"), (suspended.Status, suspended.SuspensionReason));
        await MarketplaceDriver.Problem(whileSuspended, HttpStatusCode.Unauthorized);
        Assert.Equal("active", (await MarketplaceDriver.Ok<PartyResponse>(afterwards, HttpStatusCode.OK)).Status);
    }

    [Fact]
    public async Task A_suspended_providers_contracts_give_no_data_to_their_buyers()
    {
        var listing = await _driver.ListedOfferingAsync(records: 5);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        await MarketplaceDriver.Ok<PartyResponse>(await _driver.Operator.PostAsJsonAsync(
            $"/api/v1/parties/{listing.Provider.Id}/suspend", new { reason = "licence dispute" }), HttpStatusCode.OK);
        var problem = await MarketplaceDriver.Problem(
            await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records"), HttpStatusCode.Forbidden);

        Assert.Contains($"provider '{listing.Provider.Id}' is suspended", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspension_needs_a_reason()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");

        var problem = await MarketplaceDriver.Problem(
            await _driver.Operator.PostAsJsonAsync($"/api/v1/parties/{buyer.Id}/suspend", new { reason = " " }), HttpStatusCode.BadRequest);

        Assert.Equal("party.invalid-reason", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_operator_cannot_suspend_itself()
    {
        var problem = await MarketplaceDriver.Problem(await _driver.Operator.PostAsJsonAsync(
            $"/api/v1/parties/{OperatorBootstrap.OperatorId}/suspend", new { reason = "oops" }), HttpStatusCode.Conflict);

        Assert.Equal("party.not-suspendable", problem.GetProperty("code").GetString());
        await MarketplaceDriver.Ok<PartyResponse>(await _driver.Operator.GetAsync("/api/v1/parties/me"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Only_the_operator_suspends()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var buyer = await _driver.CreatePartyAsync("buyer");

        var response = await provider.Client.PostAsJsonAsync($"/api/v1/parties/{buyer.Id}/suspend", new { reason = "competitor" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_prefix_is_remembered_so_a_flood_of_it_costs_no_grain_call_until_the_prefix_is_issued()
    {
        var cache = fixture.Factory.Services.GetRequiredService<ApiKeyCache>();
        var grains = fixture.Factory.Services.GetRequiredService<IGrainFactory>();
        var buyer = await _driver.CreatePartyAsync("buyer");
        var prefix = "zz" + Guid.NewGuid().ToString("N")[..10].Replace('0', 'a').Replace('1', 'b');
        var hash = System.Security.Cryptography.SHA256.HashData("secret"u8);
        Assert.Null(await cache.VerifyAsync(prefix, hash));

        // Issued behind this host's back: the host still answers from its memory of the unknown prefix...
        await grains.GetGrain<IPartyGrain>(buyer.Id).AddKey(prefix, hash);
        var remembered = await cache.VerifyAsync(prefix, hash);
        // ...until the issuer tells it (ApiKeyIssuer forgets the prefix it issues).
        cache.Forget(prefix);
        var afterIssue = await cache.VerifyAsync(prefix, hash);

        Assert.Null(remembered);
        Assert.NotNull(afterIssue);
    }

    [Fact]
    public async Task A_key_of_impossible_characters_is_refused_without_asking_any_grain()
    {
        using var client = fixture.Factory.ClientWithKey("mk_            _secret");

        await MarketplaceDriver.Problem(await client.GetAsync("/api/v1/parties/me"), HttpStatusCode.Unauthorized);
    }

    /// <summary>The 404's bytes apart from the trace id and the id the caller itself sent.</summary>
    private static async Task<string> Body(HttpResponseMessage response, string idSent)
    {
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        return TraceId().Replace(await response.Content.ReadAsStringAsync(), "").Replace(idSent, "{id}", StringComparison.Ordinal);
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();
}
