using Marketplace.Domain;

namespace Marketplace.Grains.Tests.Faults;

public abstract partial class FailedWriteTests
{
    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_dataset_that_failed_to_store_does_not_exist_and_its_retry_creates_it(Fault fault)
    {
        var providerId = NewId("prov");
        var dataset = Grains.GetGrain<IDatasetGrain>(NewId("ds"));

        await FailsOnItsWrite(fault, "dataset", dataset, () => dataset.Create(providerId, Dataset()));

        Assert.Null(await dataset.Get());
        Assert.Equal(providerId, (await dataset.Create(providerId, Dataset())).ProviderId);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_revision_that_failed_to_store_is_not_published_and_its_retry_publishes_it(Fault fault)
    {
        var (providerId, dataset) = await DatasetAsync(withRevision: false);

        await FailsOnItsWrite(fault, "dataset", dataset, () => dataset.PublishRevision(providerId, Revision("rev-1")));

        Assert.Empty((await dataset.Get())!.Revisions);
        await dataset.PublishRevision(providerId, Revision("rev-1"));
        Assert.Equal("rev-1", (await dataset.Get())!.CurrentRevision?.RevisionId);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_retirement_that_failed_to_store_leaves_the_revision_published_and_its_retry_retires_it(Fault fault)
    {
        var (providerId, dataset) = await DatasetAsync(withRevision: true);

        await FailsOnItsWrite(fault, "dataset", dataset, () => dataset.RetireRevision(providerId, "rev-1"));

        Assert.Equal(RevisionStatus.Published, Assert.Single((await dataset.Get())!.Revisions).Status);
        Assert.Equal(RevisionStatus.Retired, Assert.Single((await dataset.RetireRevision(providerId, "rev-1")).Revisions).Status);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task An_offering_that_failed_to_store_does_not_exist_and_its_retry_creates_it(Fault fault)
    {
        var (providerId, dataset) = await DatasetAsync(withRevision: true);
        var offering = Grains.GetGrain<IOfferingGrain>(NewId("off"));
        var definition = Offering(dataset.GetPrimaryKeyString());

        await FailsOnItsWrite(fault, "offering", offering, () => offering.Create(providerId, definition));

        Assert.Null(await offering.Get());
        Assert.Equal(OfferingStatus.Draft, (await offering.Create(providerId, definition)).Status);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_listing_that_failed_to_store_leaves_the_offering_a_draft_and_its_retry_lists_it(Fault fault)
    {
        var (provider, offering) = await OfferingAsync(listed: false);

        await FailsOnItsWrite(fault, "offering", offering, () => offering.Publish(provider));

        Assert.Equal(OfferingStatus.Draft, (await offering.Get())!.Status);
        var refused = await Assert.ThrowsAsync<DomainException>(() => offering.Subscribe("buyer-1", "research"));
        Assert.Equal(ErrorCodes.OfferingNotFound.Value, refused.Code);
        Assert.Equal(OfferingStatus.Listed, (await offering.Publish(provider)).Status);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_delisting_that_failed_to_store_leaves_the_offering_listed_and_its_retry_delists_it(Fault fault)
    {
        var (provider, offering) = await OfferingAsync(listed: true);

        await FailsOnItsWrite(fault, "offering", offering, () => offering.Delist(provider));

        Assert.Equal(OfferingStatus.Listed, (await offering.Get())!.Status);
        Assert.Equal(OfferingStatus.Delisted, (await offering.Delist(provider)).Status);
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_revision_of_the_terms_that_failed_to_store_keeps_the_old_terms_and_version_and_its_retry_applies_them(Fault fault)
    {
        var (provider, offering) = await OfferingAsync(listed: true);
        var before = (await offering.Get())!;
        var revised = before.Definition with { Title = "Revised terms" };

        await FailsOnItsWrite(fault, "offering", offering, () => offering.Revise(provider, before.Version, revised));

        var kept = (await offering.Get())!;
        Assert.Equal((before.Definition.Title, before.Version), (kept.Definition.Title, kept.Version));
        var applied = await offering.Revise(provider, before.Version, revised);
        Assert.Equal(("Revised terms", before.Version + 1), (applied.Definition.Title, applied.Version));
    }

    [Theory]
    [InlineData(Fault.StoreError)]
    [InlineData(Fault.Outage)]
    public async Task A_subscription_whose_contract_failed_to_store_leaves_no_contract_and_its_retry_subscribes(Fault fault)
    {
        var (_, offering) = await OfferingAsync(listed: true);
        var buyerId = NewId("buyer");

        // The contract's id is chosen inside the call: any contract's next write fails.
        await FailsOnItsWrite(fault, "contract", grain: null, () => offering.Subscribe(buyerId, "research"));

        var failed = Grains.GetGrain<IContractGrain>(fixture.Faults.Failed[^1].Key.ToString()!);
        Assert.Null(await failed.Get());
        var denied = await Assert.ThrowsAsync<DomainException>(() => failed.Authorize(buyerId, 1, HoldId()));
        Assert.Equal(ErrorCodes.ContractNotFound.Value, denied.Code);
        var subscribed = await offering.Subscribe(buyerId, "research");
        Assert.Equal(ContractStatus.Active, (await Grains.GetGrain<IContractGrain>(subscribed.Id).Get())!.Status);
    }
}
