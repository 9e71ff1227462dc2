using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Application.Usage;
using Marketplace.Host.Features.Partners;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Federation;

/// <summary>A marketplace whose partner city is a fake: what a relay answers when the partner fails, and what it stores.</summary>
public sealed class RelayFailureFixture : MarketplaceFixture
{
    public FakePartner Partner { get; } = new();

    protected override Task<MarketplaceFactory> CreateFactoryAsync() => Task.FromResult(new MarketplaceFactory
    {
        ConfigureServices = services => services.AddHttpClient(PartnerHttp.ClientName).ConfigurePrimaryHttpMessageHandler(Partner.Handler),
    });
}

public sealed class RelayFailureTests(RelayFailureFixture fixture) : IClassFixture<RelayFailureFixture>
{
    private readonly MarketplaceDriver driver = fixture.Driver;

    [Fact]
    public async Task A_partner_that_cannot_be_reached_answers_503_with_retry_after_and_meters_nothing()
    {
        var (buyer, contractId) = await RelayedContractAsync();
        fixture.Partner.Behaviour = PartnerBehaviour.Down;

        var response = await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/records");

        var problem = await Problem(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("could not be reached", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await UnitsAsync(buyer, contractId));
    }

    [Fact]
    public async Task A_partner_that_refuses_answers_403_naming_the_partner_and_its_reason()
    {
        var (buyer, contractId) = await RelayedContractAsync();
        fixture.Partner.Behaviour = PartnerBehaviour.Refuses;

        var problem = await Problem(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/records"), HttpStatusCode.Forbidden);

        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("Partner City B", detail, StringComparison.Ordinal);
        Assert.Contains("suspended by its provider", detail, StringComparison.Ordinal);
        Assert.Equal(0, await UnitsAsync(buyer, contractId));
    }

    [Fact]
    public async Task A_partner_answering_garbage_answers_502_and_meters_nothing()
    {
        var (buyer, contractId) = await RelayedContractAsync();
        fixture.Partner.Behaviour = PartnerBehaviour.Garbage;

        await Problem(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/records"), HttpStatusCode.BadGateway);

        Assert.Equal(0, await UnitsAsync(buyer, contractId));
    }

    [Fact]
    public async Task A_partner_answering_without_end_is_cut_off_at_the_bound_with_502()
    {
        var (buyer, contractId) = await RelayedContractAsync();
        fixture.Partner.Behaviour = PartnerBehaviour.Huge;

        var problem = await Problem(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/records"), HttpStatusCode.BadGateway);

        Assert.Contains("MiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await UnitsAsync(buyer, contractId));
    }

    [Fact]
    public async Task A_served_page_is_metered_locally_by_what_was_served()
    {
        var (buyer, contractId) = await RelayedContractAsync();
        fixture.Partner.Behaviour = PartnerBehaviour.Serves;

        var page = await Ok<JsonElement>(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/records"), HttpStatusCode.OK);

        Assert.Equal(2, page.GetProperty("count").GetInt32());
        Assert.Equal(2, await UnitsAsync(buyer, contractId));
    }

    [Fact]
    public async Task A_personal_offering_is_refused_because_consent_cannot_be_checked_across_cities()
    {
        var partnerId = await RegisterPartnerAsync();

        var problem = await Problem(await driver.Operator.PostAsJsonAsync($"/api/v1/partners/{partnerId}/relays",
            new { offeringId = "health", purpose = "research", marginPerUnit = 1 }), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("consent", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("across cities", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Our_key_at_the_partner_is_never_answered_nor_stored_in_the_clear()
    {
        var key = "mk_partnerkey_" + Guid.NewGuid().ToString("N");
        var partnerId = await RegisterPartnerAsync(key);
        await Ok<RelayResponse>(await driver.Operator.PostAsJsonAsync($"/api/v1/partners/{partnerId}/relays",
            new { offeringId = "bus-stops", purpose = "research", marginPerUnit = 1 }), HttpStatusCode.Created);

        var listed = await driver.Operator.GetStringAsync("/api/v1/partners");

        Assert.Contains(partnerId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        var needle = Encoding.UTF8.GetBytes(key);
        // Every file but the directory's lock, which the host holds exclusively (and which holds nothing).
        foreach (var file in Directory.EnumerateFiles(fixture.Factory.DataDirectory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.True(copy.ToArray().AsSpan().IndexOf(needle) < 0, $"{file} holds our key at the partner in the clear");
        }
    }

    private async Task<string> RegisterPartnerAsync(string key = "mk_partner_key")
    {
        var partnerId = UniqueId("city");
        await Ok<PartnerResponse>(await driver.Operator.PostAsJsonAsync("/api/v1/partners",
            new { id = partnerId, name = "Partner City B", baseUrl = "https://partner.test/", buyerApiKey = key }), HttpStatusCode.Created);
        return partnerId;
    }

    private async Task<(Party Buyer, string ContractId)> RelayedContractAsync()
    {
        fixture.Partner.Behaviour = PartnerBehaviour.Serves;
        var partnerId = await RegisterPartnerAsync();
        var relay = await Ok<RelayResponse>(await driver.Operator.PostAsJsonAsync($"/api/v1/partners/{partnerId}/relays",
            new { offeringId = "bus-stops", purpose = "research", marginPerUnit = 1 }), HttpStatusCode.Created);
        var buyer = await driver.CreatePartyAsync("buyer");
        var contract = await SubscribeAsync(buyer, relay.LocalOfferingId, "research");
        return (buyer, contract.Id);
    }

    private static async Task<long> UnitsAsync(Party buyer, string contractId) =>
        (await Ok<UsageResponse>(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/usage"), HttpStatusCode.OK)).Items.Single().Units;
}
