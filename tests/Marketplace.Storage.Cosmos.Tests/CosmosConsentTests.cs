using Marketplace.Domain;
using Marketplace.Storage.Cosmos.Consent;
using Marketplace.Storage.Cosmos.Records;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosConsentIndexTests(CosmosServer server) : ConsentIndexConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IConsentIndex> OpenAsync() => Task.FromResult<IConsentIndex>(new CosmosConsentIndex(stores.Open()));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosProvisionLogTests(CosmosServer server) : ProvisionLogConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IProvisionLog> OpenAsync() => Task.FromResult<IProvisionLog>(new CosmosProvisionLog(stores.Open()));

    [Fact]
    public async Task An_event_of_more_people_than_one_part_holds_is_recorded_in_parts_each_person_once_even_when_sent_again()
    {
        var log = new CosmosProvisionLog(stores.Open());
        var people = Enumerable.Range(0, CosmosProvisionLog.MaxPeoplePerPart * 2 + 1).Select(i => Provision($"subj-{i:D5}")).ToList();
        await log.AppendAsync(people);

        await log.AppendAsync([.. people, Provision("subj-99999") with { Records = 3 }]);

        var counts = await log.CountByContractAsync("ctr-1", "2026-12");
        Assert.Equal(people.Count + 1, counts.Count);
        Assert.Equal(people.Count + 3L, counts.Sum(c => c.Records));
        Assert.Equal("ev-1", Assert.Single(await log.ListBySubjectAsync("bank-1", "subj-99999", null, 10)).EventId);
    }

    private static Provision Provision(string subjectId) =>
        new("ev-1", "bank-1", subjectId, "ctr-1", "buyer-a", "ds-journeys", ConsentPurposes.CityPlanning, "cr-" + subjectId,
            ["origin", "mode"], 1, false, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "2026-12");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}

/// <summary>Ten records per partition, so a redaction and the pages after it cross several of a revision's buckets.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosRecordRedactionTests(CosmosServer server) : RecordRedactionConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IRecordStore> OpenStoreAsync() =>
        Task.FromResult<IRecordStore>(new CosmosRecordStore(stores.Open(options => options.RecordsPerPartition = 10)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
