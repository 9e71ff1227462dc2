using System.Net;
using System.Net.Http.Json;
using Marketplace.Application.Consent;
using Marketplace.Host.Features.Consent;

namespace Marketplace.Host.Tests.Consent;

/// <summary>What a buyer sees of consent: counts only (never who), under the floor, and the changes under its contract.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class BuyerConsentTests(MarketplaceFixture fixture)
{
    private static async Task<ContractConsentResponse> StandingAsync(ConsentWorld world) =>
        await MarketplaceDriver.Ok<ContractConsentResponse>(await world.Buyer.Client.GetAsync($"/api/v1/contracts/{world.Contract.Id}/consent"), HttpStatusCode.OK);

    [Fact]
    public async Task A_withdrawal_under_an_active_contract_is_counted_for_its_buyer_without_saying_who()
    {
        var world = await ConsentWorld.CreateAsync(fixture);
        var consents = new List<ConsentResponse>();
        foreach (var resident in world.Residents)
        {
            consents.Add(await world.ConsentAsync(resident));
        }

        await world.WithdrawAsync(world.Residents[1], consents[1].Id);
        var standing = await StandingAsync(world);

        Assert.Equal((true, true, (long?)null, true, 1L, 0L), (standing.Personal, standing.Reviewed, standing.CoveredNow, standing.CoveredFewerThanFloor,
            standing.WithdrawnSinceActive, standing.ExpiredSinceActive));
        Assert.DoesNotContain(world.Residents[1].SubjectId, await (await world.Buyer.Client.GetAsync($"/api/v1/contracts/{world.Contract.Id}/consent")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expiry_under_an_active_contract_is_counted_as_expired()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2);
        await world.ConsentAsync(world.Residents[0], expiresAt: fixture.Factory.Time.GetUtcNow().AddSeconds(1));
        await world.ConsentAsync(world.Residents[1]);
        var before = await StandingAsync(world);

        fixture.Factory.Time.Advance(ContractConsent.FreshFor + TimeSpan.FromSeconds(1)); // past the expiry and the standing's reuse window
        var after = await StandingAsync(world);

        Assert.Equal((0L, 0L), (before.WithdrawnSinceActive, before.ExpiredSinceActive));
        Assert.Equal((0L, 1L), (after.WithdrawnSinceActive, after.ExpiredSinceActive));
    }

    [Fact]
    public async Task People_covered_under_a_contract_are_counted_exactly_from_the_floor()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        foreach (var resident in await ConsentWorld.CreateResidentsAsync(world, ConsentWire.CountFloor))
        {
            await world.ConsentAsync(resident);
        }

        var standing = await StandingAsync(world);

        Assert.Equal(((long?)ConsentWire.CountFloor, false), (standing.CoveredNow, standing.CoveredFewerThanFloor));
    }

    [Fact]
    public async Task An_offerings_consent_counts_show_fewer_than_the_floor_and_exact_counts_from_it()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        var people = await ConsentWorld.CreateResidentsAsync(world, ConsentWire.CountFloor);
        foreach (var resident in people.Take(ConsentWire.CountFloor - 1))
        {
            await world.ConsentAsync(resident);
        }
        var few = await CountsAsync(world);
        fixture.Factory.Time.Advance(TimeSpan.FromMinutes(1)); // past the counts' reuse window
        await world.ConsentAsync(people[^1]);

        var enough = await CountsAsync(world);

        Assert.Equal((ConsentWorld.Purpose, "academic", (long?)null, true), Single(few));
        Assert.Equal((ConsentWorld.Purpose, "academic", (long?)ConsentWire.CountFloor, false), Single(enough));
    }

    [Fact]
    public async Task An_offering_of_data_that_is_not_personal_has_no_consent_counts()
    {
        var listed = await fixture.Driver.ListedOfferingAsync(2);

        var response = await fixture.Factory.CreateClient().GetAsync($"/api/v1/offerings/{listed.OfferingId}/consent-counts");

        await MarketplaceDriver.Problem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_buyers_declared_certifications_are_recorded_with_the_banks_review()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        await MarketplaceDriver.Ok<CertificationsResponse>(await world.Buyer.Client.PutAsJsonAsync($"/api/v1/parties/{world.Buyer.Id}/certifications",
            new { certifications = new[] { " Privacy Mark ", "ISMS (ISO/IEC 27001)", "Privacy Mark" } }), HttpStatusCode.OK);

        var review = await MarketplaceDriver.Ok<ReviewResponse>(await world.Bank.Client.PutAsJsonAsync($"/api/v1/bank/reviews/{world.Buyer.Id}",
            new { @class = "academic", purposes = new[] { ConsentWorld.Purpose }, note = "Certificates checked." }), HttpStatusCode.OK);

        Assert.Equal(["Privacy Mark", "ISMS (ISO/IEC 27001)"], review.Certifications);
    }

    [Fact]
    public async Task More_than_ten_certifications_are_refused()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");

        var response = await buyer.Client.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/certifications",
            new { certifications = Enumerable.Range(0, 11).Select(i => $"Certification {i}").ToArray() });

        var problem = await MarketplaceDriver.Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal("party.certifications-invalid", problem.GetProperty("code").GetString());
    }

    private async Task<OfferingConsentCountsResponse> CountsAsync(ConsentWorld world) =>
        await MarketplaceDriver.Ok<OfferingConsentCountsResponse>(await fixture.Factory.CreateClient().GetAsync($"/api/v1/offerings/{world.OfferingId}/consent-counts"), HttpStatusCode.OK);

    private static (string, string, long?, bool) Single(OfferingConsentCountsResponse counts)
    {
        var c = Assert.Single(counts.Items);
        return (c.Purpose, c.RecipientClass, c.People, c.FewerThanFloor);
    }
}
