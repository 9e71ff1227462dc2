using Marketplace.Domain;

namespace Marketplace.Grains;

/// <summary>The offering's terms as they stood when the contract was signed; later edits do not change them.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ContractTerms")]
public sealed record ContractTerms(
    [property: Id(0)] string OfferingId,
    [property: Id(1)] string DatasetId,
    [property: Id(2)] string ProviderId,
    [property: Id(3)] DatasetClass DatasetClass,
    [property: Id(4)] PricingPlan Pricing,
    [property: Id(5)] UsagePolicy Policy,
    [property: Id(6)] ApprovalMode Approval);

[GenerateSerializer, Immutable, Alias("Marketplace.ContractEvent")]
public sealed record ContractEvent(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] ContractStatus To,
    [property: Id(2)] ContractAction? Action,
    [property: Id(3)] Actor By,
    [property: Id(4)] string ActorId,
    [property: Id(5)] string? Reason);

[GenerateSerializer, Immutable, Alias("Marketplace.ContractView")]
public sealed record ContractView(
    [property: Id(0)] string Id,
    [property: Id(1)] string BuyerId,
    [property: Id(2)] string Purpose,
    [property: Id(3)] ContractTerms Terms,
    [property: Id(4)] ContractStatus Status,
    [property: Id(5)] DateTimeOffset RequestedAt,
    [property: Id(6)] DateTimeOffset? ActivatedAt,
    [property: Id(7)] DateTimeOffset? EndsAt,
    [property: Id(8)] IReadOnlyList<ContractEvent> History);

[GenerateSerializer, Alias("Marketplace.AccessDenial")]
public enum AccessDenial
{
    None,
    NotActive,
    PurposeNotPermitted,
    ContractEnded,
    QuotaExceeded,
    PartySuspended,
}

/// <summary>The answer to "may this buyer read now, and how much?".</summary>
/// <param name="AggregateOnly">The contract's terms let only aggregates leave (<see cref="UsagePolicy.AggregateOnly"/>): no raw records.</param>
/// <param name="Uncapped">
/// The plan has no quota, so nothing was held: its usage needs no meter to weigh it against a quota and may go
/// straight to the ledger. False (the safe default, also from a silo that predates the field) sends usage through
/// the meter.
/// </param>
[GenerateSerializer, Immutable, Alias("Marketplace.AccessGrant")]
public sealed record AccessGrant(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] AccessDenial Denial,
    [property: Id(2)] string Reason,
    [property: Id(3)] long UnitsGranted,
    [property: Id(4)] string DatasetId,
    [property: Id(5)] UsageUnit Unit,
    [property: Id(6)] string Period,
    [property: Id(7)] string Purpose = "",
    [property: Id(8)] DatasetClass DatasetClass = DatasetClass.Public,
    [property: Id(9)] bool AggregateOnly = false,
    [property: Id(10)] bool Uncapped = false);

/// <summary>A contract between a buyer and a provider (key: contract id). Authorize is the hot path.</summary>
[Alias("Marketplace.IContractGrain")]
public interface IContractGrain : IGrainWithStringKey
{
    [Alias("Open")]
    Task<ContractView> Open(string buyerId, string purpose, ContractTerms terms);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<ContractView?> Get();

    [Alias("Transition")]
    Task<ContractView> Transition(ContractAction action, ApiPrincipal actor, string? reason);

    /// <summary>
    /// Checks state, ownership, end date, purpose and the period's quota for a request of up to
    /// <paramref name="unitsWanted"/> units. On a capped plan the units granted are held against the quota
    /// under <paramref name="holdId"/> (the id the request's usage event will carry) until it is metered.
    /// In memory once active (the meter keeps its totals in memory too).
    /// </summary>
    [Alias("Authorize"), Orleans.Concurrency.ReadOnly]
    Task<AccessGrant> Authorize(string buyerId, long unitsWanted, string holdId);

    /// <summary>
    /// A lease for this silo's <paramref name="observer"/> to serve the buyer's fetches without asking (ACCESS-LEASE.md),
    /// or null when the contract does not qualify (not active, a quota, aggregates only, a party suspended) or
    /// cannot register another silo. The dataset registers the observer too before this answers. Every transition
    /// revokes the leases first, and is acknowledged only once each silo dropped its lease or the lease expired.
    /// </summary>
    [Alias("Lease")]
    Task<AccessLease?> Lease(string buyerId, IAccessLeaseObserver observer);

    /// <summary>Writes the contract's index entry again from its stored state (the sweep repairing an open or a transition).</summary>
    [Alias("Reconcile")]
    Task Reconcile();
}
