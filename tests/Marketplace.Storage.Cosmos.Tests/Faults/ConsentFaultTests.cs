using System.Net;
using Marketplace.Domain;
using Marketplace.Storage.Cosmos.Consent;
using Marketplace.Storage.Cosmos.Records;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

[Collection(CosmosCollection.Name)]
public sealed class ConsentFaultTests(CosmosServer server) : IAsyncLifetime
{
    private const string Consent = CosmosStore.ConsentContainer;
    private const string Provisions = CosmosStore.ProvisionsContainer;
    private static readonly DateTimeOffset Given = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(9));

    private readonly FaultyStores stores = new(server);

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task A_first_grant_whose_answer_was_lost_reports_it_stored()
    {
        var index = new CosmosConsentIndex(stores.Open());
        Traffic.Inject("create", Consent, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable));

        Assert.True(await index.PutAsync(Grant(version: 1)));

        Assert.Equal(1, Assert.Single(await index.FindBySubjectsAsync("bank-1", ["subj-1"])).Version);
    }

    [Fact]
    public async Task A_withdrawal_whose_answer_was_lost_reports_it_stored()
    {
        var index = new CosmosConsentIndex(stores.Open());
        await index.PutAsync(Grant(version: 1));
        Traffic.Inject("replace", Consent, new Fault.LoseAnswer(HttpStatusCode.RequestTimeout));

        Assert.True(await index.PutAsync(Grant(version: 2) with { WithdrawnAt = Given.AddHours(1) }));

        Assert.NotNull(Assert.Single(await index.FindBySubjectsAsync("bank-1", ["subj-1"])).WithdrawnAt);
    }

    [Fact]
    public async Task A_grant_that_cannot_be_stored_surfaces_as_unavailable()
    {
        var index = new CosmosConsentIndex(stores.Open());
        Traffic.Inject("create", Consent, Fault.Unavailable, times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => index.PutAsync(Grant(version: 1)));
    }

    [Fact]
    public async Task A_provision_whose_answer_was_lost_is_recorded_once()
    {
        var log = new CosmosProvisionLog(stores.Open());
        Traffic.Inject("create", Provisions, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable));

        await log.AppendAsync([Provision("ev-1")]);

        Assert.Equal([new ProvisionCount("subj-1", 1, 0)], await log.CountByContractAsync("ctr-1", "2026-12"));
    }

    [Fact]
    public async Task An_append_that_failed_part_way_records_each_provision_once_when_sent_again()
    {
        var log = new CosmosProvisionLog(stores.Open(configure: options => options.WriteConcurrency = 1));
        var provisions = Enumerable.Range(0, 6).Select(i => Provision($"ev-{i}")).ToArray();
        Traffic.Inject("create", Provisions, Fault.Unavailable, skip: 3, times: int.MaxValue);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => log.AppendAsync(provisions));

        Traffic.Heal();
        await log.AppendAsync(provisions);

        Assert.Equal([new ProvisionCount("subj-1", 6, 0)], await log.CountByContractAsync("ctr-1", "2026-12"));
    }

    [Fact]
    public async Task A_redaction_whose_delete_answers_were_lost_still_removes_every_record_of_the_person()
    {
        var store = new CosmosRecordStore(stores.Open(configure: options => options.RecordsPerPartition = 10));
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync([.. Enumerable.Range(1, 30).Select(seq => new StoredRecord(seq, seq % 2 == 0 ? "subj-1" : null, "{}"))]);
            await writer.CommitAsync();
        }
        Traffic.Inject("delete", CosmosStore.RecordsContainer, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable), times: 3);

        await store.RedactSubjectAsync("rev-1", "subj-1");

        var page = await store.ReadPageAsync("rev-1", 0, 100, []);
        Assert.Equal(Enumerable.Range(1, 30).Where(seq => seq % 2 != 0).Select(seq => (long)seq), page.Records.Select(r => r.Sequence));
    }

    private static ConsentGrant Grant(int version) =>
        new("cr-1", "subj-1", "bank-1", version,
            new ConsentTerms(ConsentScope.ForCategory(DataCategories.Mobility), [], [ConsentPurposes.CityPlanning], [], [RecipientClass.PublicBody], Given.AddDays(365), false),
            Given, null, "notice-1", 1);

    private static Provision Provision(string eventId) =>
        new(eventId, "bank-1", "subj-1", "ctr-1", "buyer-a", "ds-journeys", ConsentPurposes.CityPlanning, "cr-1", [], 1, false, Given, "2026-12");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
