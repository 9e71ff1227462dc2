using System.Globalization;
using System.Net;
using System.Xml;
using static Marketplace.Host.Tests.Odrl.OdrlExpansion;

namespace Marketplace.Host.Tests.Odrl;

/// <summary>
/// GET /api/v1/offerings/{id}/policy.jsonld and /api/v1/contracts/{id}/agreement.jsonld: served as JSON-LD to exactly
/// whoever may read the offering or the contract (everyone else: the same 404), and read back through the ODRL context
/// to the terms the provider set.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OdrlEndpointTests(MarketplaceFixture fixture)
{
    private static readonly object FullPolicy = new
    {
        purposes = new[] { "research", "public-service" },
        endsAt = new DateTimeOffset(2030, 3, 31, 15, 0, 0, TimeSpan.Zero),
        termDays = 90,
        maxUnitsPerPeriod = 5_000,
        redistributionProhibited = true,
    };

    private sealed record Callers(HttpClient Anonymous, HttpClient Operator, HttpClient Provider, HttpClient OtherProvider, HttpClient Buyer, HttpClient OtherBuyer);

    private async Task<(Listing Listing, Party Buyer, Callers Callers)> PrivateOfferingAsync()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var listing = await fixture.Driver.ListedOfferingAsync(2, policy: FullPolicy, visibility: "private", buyers: [buyer.Id]);
        var callers = new Callers(fixture.Factory.CreateClient(), fixture.Driver.Operator, listing.Provider.Client,
            (await fixture.Driver.CreatePartyAsync("provider")).Client, buyer.Client, (await fixture.Driver.CreatePartyAsync("buyer")).Client);
        return (listing, buyer, callers);
    }

    [Fact]
    public async Task A_public_listings_policy_is_served_to_anyone_as_json_ld_with_the_offerings_version()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(2, policy: FullPolicy);

        var response = await fixture.Factory.CreateClient().GetAsync($"/api/v1/offerings/{listing.OfferingId}/policy.jsonld");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("W/\"2\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task The_served_offer_maps_back_to_the_policy_the_provider_set()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(2, policy: FullPolicy);

        var offer = await ExpandAsync(await fixture.Factory.CreateClient().GetStringAsync($"/api/v1/offerings/{listing.OfferingId}/policy.jsonld"));

        var permission = Assert.Single(offer.Rules("permission"));
        Assert.Equal(new[] { "public-service", "research" }, Constraint(permission, "purpose").Right.Select(r => r.Value).Order());
        Assert.Equal(new DateTimeOffset(2030, 3, 31, 15, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse(Constraint(permission, "dateTime").Right[0].Value, CultureInfo.InvariantCulture));
        Assert.Equal(90, XmlConvert.ToTimeSpan(Constraint(permission, "elapsedTime").Right[0].Value).TotalDays);
        Assert.Equal(("5000", "http://localhost/units/record"), (Constraint(permission, "count").Right[0].Value, Constraint(permission, "count").Unit));
        Assert.Equal(new[] { Iri("distribute") }, Actions(Assert.Single(offer.Rules("prohibition"))));
        Assert.Equal(($"http://localhost/providers/{listing.Provider.Id}", $"http://localhost/catalog/datasets/{listing.OfferingId}"),
            (Id(One(offer.Policy, "assigner")), Id(One(offer.Policy, "target"))));
    }

    [Fact]
    public async Task A_private_offerings_policy_is_seen_by_whoever_sees_the_offering_and_is_404_to_everyone_else()
    {
        var (listing, _, c) = await PrivateOfferingAsync();
        var url = $"/api/v1/offerings/{listing.OfferingId}/policy.jsonld";

        var statuses = await Task.WhenAll(new[] { c.Anonymous, c.Operator, c.Provider, c.OtherProvider, c.Buyer, c.OtherBuyer }.Select(async client => (await client.GetAsync(url)).StatusCode));

        Assert.Equal(new[] { HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound }, statuses);
    }

    [Fact]
    public async Task A_contracts_agreement_is_read_by_its_parties_and_the_operator_and_is_404_to_everyone_else()
    {
        var (listing, buyer, c) = await PrivateOfferingAsync();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        var url = $"/api/v1/contracts/{contract.Id}/agreement.jsonld";

        var statuses = await Task.WhenAll(new[] { c.Anonymous, c.Operator, c.Provider, c.OtherProvider, c.Buyer, c.OtherBuyer }.Select(async client => (await client.GetAsync(url)).StatusCode));

        Assert.Equal(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound }, statuses);
    }

    [Fact]
    public async Task The_served_agreement_names_the_buyer_and_the_agreed_purpose()
    {
        var (listing, buyer, _) = await PrivateOfferingAsync();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "public-service");

        var response = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/agreement.jsonld");
        var agreement = await ExpandAsync(await response.Content.ReadAsStringAsync());

        var purpose = Constraint(Assert.Single(agreement.Rules("permission")), "purpose");
        Assert.Equal((Iri("Agreement"), $"http://localhost/buyers/{buyer.Id}", Iri("eq"), "public-service"),
            (Assert.Single(Types(agreement.Policy)), Id(One(agreement.Policy, "assignee")), purpose.Operator, Assert.Single(purpose.Right).Value));
    }

    [Fact]
    public async Task The_offering_and_the_contract_link_to_their_odrl_documents()
    {
        var (listing, buyer, _) = await PrivateOfferingAsync();
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var offering = await buyer.Client.GetAsync($"/api/v1/offerings/{listing.OfferingId}");
        var read = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}");

        Assert.Equal(
            ($"</api/v1/offerings/{listing.OfferingId}/policy.jsonld>; rel=\"http://www.w3.org/ns/odrl/2/hasPolicy\"; type=\"application/ld+json\"",
                $"</api/v1/contracts/{contract.Id}/agreement.jsonld>; rel=\"http://www.w3.org/ns/odrl/2/hasPolicy\"; type=\"application/ld+json\""),
            (string.Join(",", offering.Headers.GetValues("Link")), string.Join(",", read.Headers.GetValues("Link"))));
    }
}
