using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Grains.Tests.Faults;

/// <summary>How a write fails: with the store's own error (a full disk, a server error), or as an outage after the adapter's retries.</summary>
public enum Fault
{
    StoreError,
    Outage,
}

/// <summary>
/// A grain never serves state it failed to store. For every grain method that writes state, the write is made to
/// fail on the real store of each kind; the call must fail, and the next call must see what the store holds, not
/// what the failed call attempted. A retry of the same call then succeeds as if the first had never happened.
/// </summary>
public abstract partial class FailedWriteTests(ClusterFixture fixture)
{
    private static readonly ApiPrincipal Operator = new("operator", PartyRole.Operator);

    private IGrainFactory Grains => fixture.Grains;

    private Exception ErrorOf(Fault fault) => fault switch
    {
        Fault.StoreError => fixture.RawStoreFailure(),
        _ => new StoreUnavailableException("Injected outage: the store is unreachable.", TimeSpan.FromSeconds(2), null),
    };

    /// <summary>
    /// Arms a failure of the next write of <paramref name="stateName"/> by <paramref name="grain"/> (by any grain when
    /// null, after <paramref name="passing"/> writes that go through), makes the call and checks that it failed on
    /// that very write, not for another reason.
    /// </summary>
    private Task<Exception> FailsOnItsWrite(Fault fault, string stateName, IAddressable? grain, Func<Task> call, int passing = 0) =>
        FailsOnItsWrite(ErrorOf(fault), stateName, grain, call, passing);

    private async Task<Exception> FailsOnItsWrite(Exception injected, string stateName, IAddressable? grain, Func<Task> call, int passing = 0)
    {
        fixture.Faults.FailNextWrite(stateName, grain?.GetGrainId(), injected, passing);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(call);
            Assert.True(fixture.Faults.Pending == 0, $"The armed write of '{stateName}' never happened; the call failed with: {error}");
            return error;
        }
        finally
        {
            fixture.Faults.Disarm();
        }
    }

    [Fact]
    public async Task A_write_that_failed_with_the_stores_own_error_reaches_the_caller_as_the_store_being_unavailable()
    {
        var party = Grains.GetGrain<IPartyGrain>(NewId("prov"));

        var error = await FailsOnItsWrite(Fault.StoreError, "party", party, () => party.Register(PartyRole.Provider, "Minato Rail"));

        Assert.IsType<StoreUnavailableException>(error);
    }

    [Fact]
    public async Task A_write_that_failed_in_an_outage_reaches_the_caller_as_that_outage()
    {
        var party = Grains.GetGrain<IPartyGrain>(NewId("prov"));

        var error = await FailsOnItsWrite(Fault.Outage, "party", party, () => party.Register(PartyRole.Provider, "Minato Rail"));

        Assert.Equal(TimeSpan.FromSeconds(2), Assert.IsType<StoreUnavailableException>(error).RetryAfter);
    }

    [Fact]
    public async Task A_write_that_lost_a_race_reaches_the_caller_as_a_conflict_and_the_next_call_sees_the_winner()
    {
        var party = await RegisteredAsync(PartyRole.Buyer);
        var conflict = new Orleans.Storage.InconsistentStateException("Injected: someone else wrote first.", "2", "1");

        var error = await FailsOnItsWrite(conflict, "party", party, () => party.Suspend("unpaid invoices", Operator.PartyId));

        Assert.IsType<Orleans.Storage.InconsistentStateException>(error);
        Assert.Equal(PartyStatus.Active, await party.GetStatus());
    }

    private static string NewId(string kind) => $"{kind}-{Guid.NewGuid():N}";

    private async Task<IPartyGrain> RegisteredAsync(PartyRole role)
    {
        var party = Grains.GetGrain<IPartyGrain>(NewId(role.ToString().ToLowerInvariant()));
        await party.Register(role, $"A {role}");
        return party;
    }

    private static DatasetDefinition Dataset() => new(DatasetClass.Private,
        new DatasetMetadata("Bus stops", "Where the buses stop.", [], [], "City", "proprietary", null, null, null, null, "ja"),
        new DatasetSchema([new SchemaField("stop_id", FieldType.String, true)], null));

    private static DatasetRevision Revision(string id) => new(id, 10, 1_000, ClusterFixture.Start, RevisionStatus.Published);

    private static OfferingDefinition Offering(string datasetId) => new(datasetId, "", "",
        PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), UsagePolicy.Open with { PermittedPurposes = ["research"] },
        OfferingVisibility.Public, [], ApprovalMode.Automatic);

    private async Task<(string ProviderId, IDatasetGrain Dataset)> DatasetAsync(bool withRevision)
    {
        var providerId = NewId("prov");
        var dataset = Grains.GetGrain<IDatasetGrain>(NewId("ds"));
        await dataset.Create(providerId, Dataset());
        if (withRevision)
        {
            await dataset.PublishRevision(providerId, Revision("rev-1"));
        }
        return (providerId, dataset);
    }

    private async Task<(ApiPrincipal Provider, IOfferingGrain Offering)> OfferingAsync(bool listed)
    {
        var (providerId, dataset) = await DatasetAsync(withRevision: true);
        var provider = new ApiPrincipal(providerId, PartyRole.Provider);
        var offering = Grains.GetGrain<IOfferingGrain>(NewId("off"));
        await offering.Create(providerId, Offering(dataset.GetPrimaryKeyString()));
        if (listed)
        {
            await offering.Publish(provider);
        }
        return (provider, offering);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class SqliteFailedWriteTests(ClusterFixture fixture) : FailedWriteTests(fixture);

[Collection(CosmosClusterCollection.Name)]
public sealed class CosmosFailedWriteTests(CosmosClusterFixture fixture) : FailedWriteTests(fixture);
