using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Access;

namespace Marketplace.Host.Tests.Consent;

/// <summary>Aggregates of personal data count only the people whose consent covers the buyer, the purpose and the items read.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class AggregateConsentTests(MarketplaceFixture fixture)
{
    private static async Task<string> AggregateContractAsync(ConsentWorld world)
    {
        var offering = await MarketplaceDriver.CreateOfferingAsync(world.Bank, new
        {
            datasetId = world.DatasetId,
            pricing = new { model = "free", currency = "JPY" },
            policy = new { purposes = new[] { ConsentWorld.Purpose }, aggregates = new { dimensions = new[] { "age" }, measures = new[] { "hba1c" }, k = 2 } },
            approval = "provider",
        });
        await MarketplaceDriver.PublishAsync(world.Bank, offering.Id);
        var contract = await MarketplaceDriver.SubscribeAsync(world.Buyer, offering.Id, ConsentWorld.Purpose);
        Assert.Equal(HttpStatusCode.OK, (await world.Bank.Client.PostAsync($"/api/v1/contracts/{contract.Id}/approve", null)).StatusCode);
        return contract.Id;
    }

    private static async Task<AggregateResponse> QueryAsync(ConsentWorld world, string contractId, string query) =>
        await MarketplaceDriver.Ok<AggregateResponse>(await world.Buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/aggregate?{query}"), HttpStatusCode.OK);

    [Fact]
    public async Task Only_people_who_consented_and_stay_in_statistics_are_counted()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 4);
        var contractId = await AggregateContractAsync(world);
        foreach (var resident in world.Residents.Take(3))
        {
            await world.ConsentAsync(resident);
        }
        Assert.Equal(HttpStatusCode.OK, (await world.Residents[2].Client.PutAsJsonAsync("/api/v1/subjects/me/statistics", new { optOut = true })).StatusCode);

        var answer = await QueryAsync(world, contractId, "groupBy=age");

        // Each resident has an age of their own: each person counted is a group of one, suppressed under k = 2.
        Assert.Equal((0, 2), (answer.Groups.Count, answer.SuppressedGroups));
    }

    [Fact]
    public async Task Each_person_counted_sees_the_query_on_their_record_of_provision_and_the_others_do_not()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2);
        var contractId = await AggregateContractAsync(world);
        var consent = await world.ConsentAsync(world.Residents[0]);

        await QueryAsync(world, contractId, "groupBy=age");
        var counted = await MarketplaceDriver.Ok<Features.Consent.ProvisionListResponse>(await world.Residents[0].Client.GetAsync("/api/v1/subjects/me/provisions"), HttpStatusCode.OK);
        var notCounted = await MarketplaceDriver.Ok<Features.Consent.ProvisionListResponse>(await world.Residents[1].Client.GetAsync("/api/v1/subjects/me/provisions"), HttpStatusCode.OK);

        var provision = Assert.Single(counted.Items);
        Assert.Equal((true, 0L, contractId, consent.Id), (provision.Aggregate, provision.Records, provision.ContractId, provision.ConsentId));
        Assert.Equal(["age"], provision.Items);
        Assert.Empty(notCounted.Items);
    }

    [Fact]
    public async Task A_sensitive_measure_counts_only_people_who_consented_to_it_explicitly()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 3);
        var contractId = await AggregateContractAsync(world);
        await world.ConsentAsync(world.Residents[0], sensitive: true);
        await world.ConsentAsync(world.Residents[1]);
        await world.ConsentAsync(world.Residents[2]);

        var withMeasure = await QueryAsync(world, contractId, "groupBy=age&measure=hba1c");
        var withoutMeasure = await QueryAsync(world, contractId, "groupBy=age");

        Assert.Equal((1, 3), (withMeasure.SuppressedGroups, withoutMeasure.SuppressedGroups));
    }

    [Fact]
    public async Task A_personal_offering_cannot_group_by_a_field_that_is_no_data_item()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);

        var response = await world.Bank.Client.PostAsJsonAsync("/api/v1/offerings", new
        {
            datasetId = world.DatasetId,
            pricing = new { model = "free", currency = "JPY" },
            policy = new { purposes = new[] { ConsentWorld.Purpose }, aggregates = new { dimensions = new[] { "name" } } },
            approval = "provider",
        });

        Assert.Equal("aggregate.policy-invalid", (await MarketplaceDriver.Problem(response, HttpStatusCode.BadRequest)).GetProperty("code").GetString());
    }
}
