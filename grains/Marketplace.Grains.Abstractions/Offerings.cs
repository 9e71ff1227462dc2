using Marketplace.Domain;
using Marketplace.Domain.Harvest;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.OfferingVisibility")]
public enum OfferingVisibility
{
    Public,
    Private,
}

[GenerateSerializer, Alias("Marketplace.ApprovalMode")]
public enum ApprovalMode
{
    Automatic,
    Provider,
}

[GenerateSerializer, Alias("Marketplace.OfferingStatus")]
public enum OfferingStatus
{
    Draft,
    Listed,
    Delisted,
}

/// <param name="Preview">
/// Whether the offering's page shows a sample of its records; null is the dataset class's default
/// (<see cref="RecordPreview"/>: on for public data, off for private, never for personal).
/// </param>
/// <param name="PurposePrices">
/// Prices for declared purposes that differ from <paramref name="Pricing"/>; a contract snapshots the plan of its
/// purpose (<see cref="PurposePrice.PlanFor"/>). Null for offerings stored before purpose prices existed: none.
/// </param>
[GenerateSerializer, Immutable, Alias("Marketplace.OfferingDefinition")]
public sealed record OfferingDefinition(
    [property: Id(0)] string DatasetId,
    [property: Id(1)] string Title,
    [property: Id(2)] string Description,
    [property: Id(3)] PricingPlan Pricing,
    [property: Id(4)] UsagePolicy Policy,
    [property: Id(5)] OfferingVisibility Visibility,
    [property: Id(6)] IReadOnlyList<string> Buyers,
    [property: Id(7)] ApprovalMode Approval,
    [property: Id(8)] bool? Preview = null,
    [property: Id(9)] IReadOnlyList<PurposePrice>? PurposePrices = null)
{
    /// <summary>The plan a contract for <paramref name="purpose"/> is made under.</summary>
    public PricingPlan PricingFor(string purpose) => PurposePrice.PlanFor(PurposePrices, purpose, Pricing);
}

/// <param name="Version">
/// Counts the offering's changes (create, terms, listing): what an edit names to be sure it changes what its
/// author read. Offerings stored before versions existed start at 0.
/// </param>
[GenerateSerializer, Immutable, Alias("Marketplace.OfferingView")]
public sealed record OfferingView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProviderId,
    [property: Id(2)] OfferingDefinition Definition,
    [property: Id(3)] OfferingStatus Status,
    [property: Id(4)] DatasetClass DatasetClass,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] long Version = 0,
    [property: Id(8)] ListingOrigin? Origin = null)
{
    /// <summary>Whether the offering's page shows a preview of its records: the provider's setting, or its data class's default.</summary>
    public bool ShowsPreview => RecordPreview.IsShown(DatasetClass, Definition.Preview);
}

/// <summary>An offering of a dataset (key: offering id): price, policy, visibility, approval, listing status.</summary>
[Alias("Marketplace.IOfferingGrain")]
public interface IOfferingGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<OfferingView> Create(string providerId, OfferingDefinition definition);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<OfferingView?> Get();

    [Alias("Publish")]
    Task<OfferingView> Publish(ApiPrincipal actor);

    [Alias("Delist")]
    Task<OfferingView> Delist(ApiPrincipal actor);

    /// <summary>
    /// Replaces the offering's terms (everything but its dataset) with <paramref name="definition"/>, checked as on
    /// create, if the offering is still at <paramref name="expectedVersion"/> (null: whatever version it is at). The
    /// same terms again change nothing and are answered as stored. Contracts keep the terms they were made under; a
    /// listed offering's catalog entry follows the new ones.
    /// </summary>
    [Alias("Revise")]
    Task<OfferingView> Revise(ApiPrincipal actor, long? expectedVersion, OfferingDefinition definition);

    /// <summary>Opens a contract for the buyer under the offering's current terms (snapshot).</summary>
    [Alias("Subscribe")]
    Task<ContractView> Subscribe(string buyerId, string purpose);

    /// <summary>
    /// Creates, updates or re-lists the public listing of a harvested dataset (and its dataset): free, public, the
    /// source's licence and links, owned by the party standing for the source. Idempotent: the same listing again
    /// changes nothing but its harvest time and answers <see cref="HarvestOutcome.Unchanged"/>.
    /// </summary>
    [Alias("Harvest")]
    Task<HarvestOutcome> Harvest(HarvestedListing listing);

    /// <summary>Delists a harvested listing whose dataset is gone from its source; false when it was not listed.</summary>
    [Alias("Withdraw")]
    Task<bool> Withdraw(string sourceId);

    /// <summary>
    /// Writes the offering's holdings entry again and makes the catalog follow its stored status (listed: its
    /// listing; otherwise none): the sweep repairing a create, publish or delist.
    /// </summary>
    [Alias("Reconcile")]
    Task Reconcile();
}
