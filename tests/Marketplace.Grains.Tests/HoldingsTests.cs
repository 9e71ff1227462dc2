using Marketplace.Domain;
using Marketplace.Storage;
using Marketplace.Storage.Sqlite;

namespace Marketplace.Grains.Tests;

/// <summary>What a party holds lives in the holdings index: no grain state grows with the marketplace.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HoldingsTests(ClusterFixture fixture) : IDisposable
{
    private readonly SqliteDatabase _store = new(new SqliteStoreOptions { DataDirectory = fixture.DataDirectory });

    [Fact]
    public async Task A_providers_stored_state_is_the_same_size_after_one_dataset_and_after_a_thousand()
    {
        var provider = await ProviderAsync();
        await CreateDatasetsAsync(provider, 0, 1);
        var afterOne = StoredSize("party", provider);

        await CreateDatasetsAsync(provider, 1, 1_000);

        Assert.Equal(afterOne, StoredSize("party", provider));
        var listed = await new SqliteHoldingsIndex(_store).ListDatasetsAsync(provider, null, IndexLimits.MaxPageSize);
        Assert.Equal(IndexLimits.MaxPageSize, listed.Items.Count);
        Assert.NotNull(listed.Next);
    }

    [Fact]
    public async Task An_offerings_stored_state_is_the_same_size_after_one_contract_and_after_a_hundred()
    {
        var offering = await ListedOfferingAsync();
        await fixture.Grains.GetGrain<IOfferingGrain>(offering).Subscribe("buyer-0", "research");
        var afterOne = StoredSize("offering", offering);

        for (var i = 1; i < 100; i++)
        {
            await fixture.Grains.GetGrain<IOfferingGrain>(offering).Subscribe($"buyer-{i}", "research");
        }

        Assert.Equal(afterOne, StoredSize("offering", offering));
        var contracts = await new SqliteHoldingsIndex(_store).ListContractsAsync(new ContractQuery(OfferingId: offering), null, IndexLimits.MaxPageSize);
        Assert.Equal(100, contracts.Items.Count);
    }

    [Fact]
    public async Task A_second_subscription_for_an_open_purpose_is_refused_and_another_purpose_or_an_ended_contract_is_not()
    {
        var offering = fixture.Grains.GetGrain<IOfferingGrain>(await ListedOfferingAsync());
        var first = await offering.Subscribe("buyer-a", "Research ");

        var again = await Assert.ThrowsAsync<DomainException>(() => offering.Subscribe("buyer-a", "research"));
        var other = await offering.Subscribe("buyer-a", "planning");
        await fixture.Grains.GetGrain<IContractGrain>(first.Id).Transition(ContractAction.Terminate, new ApiPrincipal("buyer-a", PartyRole.Buyer), null);
        var renewed = await offering.Subscribe("buyer-a", "research");

        Assert.Equal(ErrorCodes.ContractExists.Value, again.Code);
        Assert.NotEqual(first.Id, other.Id);
        Assert.NotEqual(first.Id, renewed.Id);
    }

    [Fact]
    public async Task A_contracts_transitions_reach_its_entry_in_the_index()
    {
        var contract = fixture.Grains.GetGrain<IContractGrain>($"ctr-{Guid.NewGuid():N}");
        var provider = $"prov-{Guid.NewGuid():N}";
        var terms = new ContractTerms($"off-{Guid.NewGuid():N}", "ds-x", provider, DatasetClass.Private,
            PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), UsagePolicy.Open, ApprovalMode.Provider);
        var index = new SqliteHoldingsIndex(_store);

        await contract.Open("buyer-1", "research", terms);
        var requested = await index.ListContractsAsync(new ContractQuery(ProviderId: provider), null, 10);
        await contract.Transition(ContractAction.Approve, new ApiPrincipal(provider, PartyRole.Provider), null);
        var approved = await index.ListContractsAsync(new ContractQuery(BuyerId: "buyer-1", ProviderId: provider), null, 10);

        Assert.Equal("Requested", Assert.Single(requested.Items).Status);
        Assert.Equal("Active", Assert.Single(approved.Items).Status);
    }

    public void Dispose() => _store.Dispose();

    private async Task<string> ProviderAsync()
    {
        var id = $"prov-{Guid.NewGuid():N}";
        await fixture.Grains.GetGrain<IPartyGrain>(id).Register(PartyRole.Provider, "Provider");
        return id;
    }

    private async Task CreateDatasetsAsync(string provider, int from, int to)
    {
        const int Parallel = 16;
        for (var start = from; start < to; start += Parallel)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(Parallel, to - start)).Select(i =>
                fixture.Grains.GetGrain<IDatasetGrain>($"{provider}-ds-{i}").Create(provider, Dataset())));
        }
    }

    private async Task<string> ListedOfferingAsync()
    {
        var provider = await ProviderAsync();
        var dataset = $"{provider}-ds";
        await fixture.Grains.GetGrain<IDatasetGrain>(dataset).Create(provider, Dataset());
        await fixture.Grains.GetGrain<IDatasetGrain>(dataset).PublishRevision(provider,
            new DatasetRevision("rev-1", 0, 0, ClusterFixture.Time.GetUtcNow(), RevisionStatus.Published));
        var offering = $"{provider}-off";
        var policy = UsagePolicy.Open with { PermittedPurposes = ["research", "planning"] };
        await fixture.Grains.GetGrain<IOfferingGrain>(offering).Create(provider, new OfferingDefinition(dataset, "", "",
            PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), policy, OfferingVisibility.Public, [], ApprovalMode.Automatic));
        await fixture.Grains.GetGrain<IOfferingGrain>(offering).Publish(new ApiPrincipal(provider, PartyRole.Provider));
        return offering;
    }

    private static DatasetDefinition Dataset() => new(DatasetClass.Private,
        new DatasetMetadata("Bus stops", "Where the buses stop.", [], [], "City", "proprietary", null, null, null, null, "ja"),
        new DatasetSchema([new SchemaField("stop_id", FieldType.String, true)], null));

    /// <summary>The size of what the grain last stored (grain ids are "type/key").</summary>
    private long StoredSize(string stateName, string key)
    {
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(payload) FROM grain_state WHERE state_name = $state AND grain_id LIKE '%/' || $key";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$key", key);
        return (long)command.ExecuteScalar()!;
    }
}
