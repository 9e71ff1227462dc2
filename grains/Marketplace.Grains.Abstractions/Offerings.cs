using Marketplace.Domain;

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

[GenerateSerializer, Immutable, Alias("Marketplace.OfferingDefinition")]
public sealed record OfferingDefinition(
    [property: Id(0)] string DatasetId,
    [property: Id(1)] string Title,
    [property: Id(2)] string Description,
    [property: Id(3)] PricingPlan Pricing,
    [property: Id(4)] UsagePolicy Policy,
    [property: Id(5)] OfferingVisibility Visibility,
    [property: Id(6)] IReadOnlyList<string> Buyers,
    [property: Id(7)] ApprovalMode Approval);

[GenerateSerializer, Immutable, Alias("Marketplace.OfferingView")]
public sealed record OfferingView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProviderId,
    [property: Id(2)] OfferingDefinition Definition,
    [property: Id(3)] OfferingStatus Status,
    [property: Id(4)] DatasetClass DatasetClass,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt)
{
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

    /// <summary>Opens a contract for the buyer under the offering's current terms (snapshot).</summary>
    [Alias("Subscribe")]
    Task<ContractView> Subscribe(string buyerId, string purpose);

    /// <summary>
    /// Writes the offering's holdings entry again and makes the catalog follow its stored status (listed: its
    /// listing; otherwise none): the sweep repairing a create, publish or delist.
    /// </summary>
    [Alias("Reconcile")]
    Task Reconcile();
}
