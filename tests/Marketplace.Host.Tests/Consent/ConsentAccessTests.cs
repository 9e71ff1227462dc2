using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Consent;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.Consent;

/// <summary>Consent decides, at every access, which personal records a buyer receives and which of their items.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class ConsentAccessTests(MarketplaceFixture fixture)
{
    private static string? Subject(JsonElement record) => record.GetProperty("resident_id").GetString();

    [Fact]
    public async Task A_contract_on_personal_data_forbids_onward_transfer_even_when_the_offering_did_not_say_so()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);

        Assert.True(world.Contract.Policy.RedistributionProhibited);
    }

    [Fact]
    public async Task Without_consent_no_personal_record_is_served_and_nothing_is_metered()
    {
        var world = await ConsentWorld.CreateAsync(fixture);

        var (records, units) = await world.FetchAsync();

        Assert.Empty(records);
        Assert.Equal(0, units);
    }

    [Fact]
    public async Task A_withdrawal_removes_exactly_that_persons_records_from_the_buyers_next_fetch_and_its_metering()
    {
        var world = await ConsentWorld.CreateAsync(fixture);
        var consents = new List<ConsentResponse>();
        foreach (var resident in world.Residents)
        {
            consents.Add(await world.ConsentAsync(resident));
        }
        var (before, unitsBefore) = await world.FetchAsync();

        await world.WithdrawAsync(world.Residents[0], consents[0].Id);
        var (after, unitsAfter) = await world.FetchAsync();

        Assert.Equal((3, 3L), (before.Count, unitsBefore));
        Assert.Equal((2, 2L), (after.Count, unitsAfter));
        var gone = before.Select(Subject).Except(after.Select(Subject)).Single();
        Assert.Equal(after.Select(Subject).Order(), before.Select(Subject).Where(s => s != gone).Order());
    }

    [Fact]
    public async Task A_record_leaves_with_only_the_consented_items_under_a_pseudonym_and_never_the_name()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2);
        await world.ConsentAsync(world.Residents[0]);
        await world.ConsentAsync(world.Residents[1], sensitive: true);

        var (records, _) = await world.FetchAsync();

        var fields = records.Select(r => string.Join(",", r.EnumerateObject().Select(p => p.Name))).Order().ToList();
        Assert.Equal(["resident_id,age", "resident_id,age,hba1c"], fields);
        Assert.All(records, r => Assert.StartsWith("p-", Subject(r), StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => world.Residents.Any(p => p.SubjectId == Subject(r)));
    }

    [Fact]
    public async Task A_sensitive_item_named_without_explicit_consent_is_left_out()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        await world.ConsentAsync(world.Residents[0], items: ["age", "hba1c"]);

        var (records, _) = await world.FetchAsync();

        Assert.Equal("resident_id,age", string.Join(",", records.Single().EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task Pseudonyms_are_stable_within_a_contract_and_differ_between_two_buyers()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        var other = await fixture.Driver.CreatePartyAsync("buyer");
        await world.Bank.Client.PutAsJsonAsync($"/api/v1/bank/reviews/{other.Id}",
            new { @class = "academic", purposes = new[] { ConsentWorld.Purpose }, note = "Checked." });
        var otherContract = await MarketplaceDriver.SubscribeAsync(other, world.Contract.OfferingId, ConsentWorld.Purpose);
        await world.Bank.Client.PostAsync($"/api/v1/contracts/{otherContract.Id}/approve", null);
        await world.ConsentAsync(world.Residents[0]);

        var first = Subject((await world.FetchAsync()).Records.Single());
        var again = Subject((await world.FetchAsync()).Records.Single());
        var theirs = Subject((await world.FetchAsync(otherContract.Id, other.Client)).Records.Single());

        Assert.Equal(first, again);
        Assert.NotEqual(first, theirs);
    }

    [Fact]
    public async Task A_buyer_the_bank_has_not_reviewed_receives_no_personal_data()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        await world.ConsentAsync(world.Residents[0]);
        await world.Bank.Client.PutAsJsonAsync($"/api/v1/bank/reviews/{world.Buyer.Id}",
            new { @class = "academic", purposes = Array.Empty<string>(), note = "Certification lapsed.", approved = false });

        var problem = await MarketplaceDriver.Problem(await world.Buyer.Client.GetAsync($"/api/v1/contracts/{world.Contract.Id}/records"), HttpStatusCode.Forbidden);

        Assert.Equal("consent.recipient-not-reviewed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_expired_consent_stops_the_flow_and_is_recorded_as_expired()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        var consent = await world.ConsentAsync(world.Residents[0], expiresAt: fixture.Factory.Time.GetUtcNow().AddSeconds(1));

        var served = (await world.FetchAsync()).Records.Count;
        fixture.Factory.Time.Advance(TimeSpan.FromSeconds(2));
        var afterExpiry = (await world.FetchAsync()).Records.Count;
        var record = await MarketplaceDriver.Ok<ConsentResponse>(await world.Residents[0].Client.GetAsync($"/api/v1/subjects/me/consents/{consent.Id}"), HttpStatusCode.OK);

        Assert.Equal((1, 0), (served, afterExpiry));
        Assert.Equal("expired", record.Status);
        Assert.Equal(["given", "expired"], record.Events.Select(e => e.Kind));
    }

    [Fact]
    public async Task The_person_sees_who_received_their_records_which_items_and_why()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        var consent = await world.ConsentAsync(world.Residents[0]);
        await world.FetchAsync();

        var provisions = await MarketplaceDriver.Ok<ProvisionListResponse>(await world.Residents[0].Client.GetAsync("/api/v1/subjects/me/provisions"), HttpStatusCode.OK);

        var provision = Assert.Single(provisions.Items);
        Assert.Equal((world.Buyer.Id, world.Contract.Id, ConsentWorld.Purpose, consent.Id, 1L), (provision.BuyerId, provision.ContractId, provision.Purpose, provision.ConsentId, provision.Records));
        Assert.Equal(["age"], provision.Items);
    }

    [Fact]
    public async Task A_consent_under_a_notice_version_the_person_did_not_read_is_refused()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        await world.Bank.Client.PutAsJsonAsync($"/api/v1/bank/notices/{world.NoticeId}",
            ConsentWorld.Notice(world.DatasetId, [ConsentWorld.Purpose, "public-health-research"]));

        var stale = await world.Residents[0].Client.PostAsJsonAsync("/api/v1/subjects/me/consents", new
        {
            noticeId = world.NoticeId, noticeVersion = 1, purposes = new[] { ConsentWorld.Purpose }, recipientClasses = new[] { "academic" },
            expiresAt = fixture.Factory.Time.GetUtcNow().AddDays(10),
        });

        var problem = await MarketplaceDriver.Problem(stale, HttpStatusCode.Conflict);
        Assert.Equal("notice.changed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task One_person_cannot_reach_another_persons_consent()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2);
        var theirs = await world.ConsentAsync(world.Residents[1]);

        await MarketplaceDriver.Problem(await world.Residents[0].Client.PostAsync($"/api/v1/subjects/me/consents/{theirs.Id}/withdraw", null), HttpStatusCode.NotFound);
        var (records, _) = await world.FetchAsync();

        Assert.Single(records);
    }

    [Fact]
    public async Task Deletion_removes_the_person_from_every_stored_revision_and_from_later_uploads()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2);
        await world.ConsentAsync(world.Residents[0]);
        await world.ConsentAsync(world.Residents[1]);
        var deleted = world.Residents[0];

        var profile = await MarketplaceDriver.Ok<SubjectResponse>(await deleted.Client.PostAsync("/api/v1/subjects/me/deletion-request", null), HttpStatusCode.OK);
        var later = await MarketplaceDriver.UploadCsvAsync(world.Bank, world.DatasetId,
            $"resident_id,name,age,hba1c\n{deleted.SubjectId},山田,50,5.5\n{world.Residents[1].SubjectId},佐藤,51,5.6\n");
        var dataset = await MarketplaceDriver.Ok<JsonElement>(await world.Bank.Client.GetAsync($"/api/v1/datasets/{world.DatasetId}"), HttpStatusCode.OK);
        var store = fixture.Factory.Services.GetRequiredService<IRecordStore>();
        var stored = new List<string?>();
        foreach (var revision in dataset.GetProperty("revisions").EnumerateArray())
        {
            stored.AddRange((await store.ReadPageAsync(revision.GetProperty("revisionId").GetString()!, 0, 100, [])).Records.Select(r => r.SubjectId));
        }

        Assert.NotNull(profile.DeletionCompletedAt);
        Assert.Equal(1, later.Records);
        Assert.Equal([world.Residents[1].SubjectId, world.Residents[1].SubjectId], stored);
        Assert.Single((await world.FetchAsync()).Records);
    }
}
