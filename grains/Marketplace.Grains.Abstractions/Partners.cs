using Marketplace.Domain;
using Marketplace.Domain.Federation;

namespace Marketplace.Grains;

/// <summary>
/// A partner city's marketplace where this marketplace is a buyer. <paramref name="ProtectedBuyerKey"/> is our buyer
/// API key there, protected with the host's data protection: only the host that relays a page unprotects it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PartnerView")]
public sealed record PartnerView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string BaseUrl,
    [property: Id(3)] string ProtectedBuyerKey,
    [property: Id(4)] DateTimeOffset RegisteredAt,
    [property: Id(5)] IReadOnlyList<string> RelayIds);

/// <summary>A registered partner marketplace (key: partner id).</summary>
[Alias("Marketplace.IPartnerGrain")]
public interface IPartnerGrain : IGrainWithStringKey
{
    /// <summary>Registers the partner, or registers it again with a new key (the same name and address: a retry or a key rotation).</summary>
    [Alias("Register")]
    Task<PartnerView> Register(string name, string baseUrl, string protectedBuyerKey);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<PartnerView?> Get();

    /// <summary>Forgets the partner and its key: its relays stop serving at once. Answers whether it was registered.</summary>
    [Alias("Remove")]
    Task<bool> Remove();

    /// <summary>Records one of its relays (at most <see cref="Partners.MaxRelaysPerPartner"/>); adding it again changes nothing.</summary>
    [Alias("AddRelay")]
    Task<PartnerView> AddRelay(string relayId);
}

/// <summary>The list of registered partners (one grain, key <see cref="Partners.DirectoryKey"/>, at most <see cref="Partners.MaxPartners"/>).</summary>
[Alias("Marketplace.IPartnerDirectoryGrain")]
public interface IPartnerDirectoryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task Add(string partnerId);

    [Alias("Remove")]
    Task Remove(string partnerId);

    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> List();
}

public static class Partners
{
    public const string DirectoryKey = "all";

    /// <summary>Partner cities are agreements between operators: a handful, bounded here.</summary>
    public const int MaxPartners = 100;

    public const int MaxRelaysPerPartner = 200;
}

/// <summary>
/// One partner offering relayed here. <paramref name="Id"/> names the local dataset and offering too;
/// <paramref name="PartnerPricing"/> is the relay contract's plan at the partner (the partner's price to us).
/// </summary>
/// <param name="PartnerContractStatus">The relay contract's state at the partner when last seen (requested, active...).</param>
[GenerateSerializer, Immutable, Alias("Marketplace.RelayView")]
public sealed record RelayView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PartnerId,
    [property: Id(2)] string PartnerOfferingId,
    [property: Id(3)] string PartnerContractId,
    [property: Id(4)] string PartnerContractStatus,
    [property: Id(5)] string Purpose,
    [property: Id(6)] RelayMargin Margin,
    [property: Id(7)] PricingPlan PartnerPricing,
    [property: Id(8)] string Title,
    [property: Id(9)] DateTimeOffset CreatedAt);

/// <summary>A relayed offering (key: relay id = the local dataset and offering id). Its absence means the dataset's records are here.</summary>
[Alias("Marketplace.IRelayGrain")]
public interface IRelayGrain : IGrainWithStringKey
{
    /// <summary>Stores the relay; storing it again keeps its creation time and takes the new contract state.</summary>
    [Alias("Record")]
    Task<RelayView> Record(RelayView relay);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<RelayView?> Get();
}

/// <summary>
/// A subscription made with an Idempotency-Key (key: buyer id, a newline, the key): the first request subscribes, a
/// retry answers the same contract, and the same key for another offering or purpose is refused. Calls for one key
/// run one at a time, so concurrent retries never make two contracts.
/// </summary>
[Alias("Marketplace.ISubscriptionKeyGrain")]
public interface ISubscriptionKeyGrain : IGrainWithStringKey
{
    [Alias("Subscribe")]
    Task<ContractView> Subscribe(string buyerId, string offeringId, string purpose);
}
