using Marketplace.Domain;

namespace Marketplace.Grains;

/// <summary>
/// A silo's table of access leases, told by contract and dataset grains to drop what it holds before a change is
/// written (ACCESS-LEASE.md). One per silo: a grain keeps one registration per silo, not per lease.
/// </summary>
[Alias("Marketplace.IAccessLeaseObserver")]
public interface IAccessLeaseObserver : IGrainObserver
{
    /// <summary>Drops the lease of this contract; when it returns, no fetch on this silo is served under it.</summary>
    [Alias("RevokeContract")]
    Task RevokeContract(string contractId);

    /// <summary>Drops every lease holding this dataset; when it returns, no fetch on this silo reads the dataset as leased.</summary>
    [Alias("RevokeDataset")]
    Task RevokeDataset(string datasetId);
}

/// <summary>
/// What a silo may serve a contract's fetches from without a grain call, for at most <see cref="ValidFor"/> after
/// it asked: the contract's terms and end date, and its dataset (schema, revisions). Only an active contract of a
/// plan without a quota that lets records leave gets one; party standing, end date and quota are as the grain
/// would decide them within that time, and consent is still read on every fetch of personal data.
/// </summary>
/// <param name="ValidFor">
/// From the moment the silo asked (it counts on its own clock from before it sent the request): never longer
/// than <see cref="AccessLeaseTerms.Lifetime"/>, the time left before the parties' standing must be checked again,
/// or the time left before the contract ends.
/// </param>
[GenerateSerializer, Immutable, Alias("Marketplace.AccessLease")]
public sealed record AccessLease(
    [property: Id(0)] string ContractId,
    [property: Id(1)] string BuyerId,
    [property: Id(2)] string Purpose,
    [property: Id(3)] ContractTerms Terms,
    [property: Id(4)] DateTimeOffset? EndsAt,
    [property: Id(5)] DatasetView Dataset,
    [property: Id(6)] TimeSpan ValidFor)
{
    /// <summary>The grant the contract grain would answer now for this many units: null when it would refuse (the end date passed), which the grain then says itself.</summary>
    public AccessGrant? GrantAt(long unitsWanted, BillingPeriod period, DateTimeOffset now)
    {
        var decision = Terms.Policy.Evaluate(ContractAccess.RequestOf(Terms, Purpose, EndsAt, unitsWanted, period, now));
        return decision.Allowed ? ContractAccess.GrantOf(decision, Terms, Purpose, unitsWanted, period) : null;
    }
}

/// <summary>The bounds every access lease keeps, on both sides of it.</summary>
public static class AccessLeaseTerms
{
    /// <summary>L: the longest a lease lives, so the longest a change waits for a silo that does not answer.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
}

/// <summary>
/// A contract's request and the grant its policy decision (purpose, end date, quota) makes of it, once its state and
/// parties are known to allow access. One home for the contract grain and a silo holding its lease.
/// </summary>
public static class ContractAccess
{
    public static AccessRequest RequestOf(ContractTerms terms, string purpose, DateTimeOffset? endsAt, long unitsWanted, BillingPeriod period, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var wanted = terms.Pricing.Unit == UsageUnit.Record ? unitsWanted : 1;
        return new AccessRequest(purpose, now, endsAt, 0, wanted, period, terms.Pricing.Unit);
    }

    public static AccessGrant GrantOf(PolicyDecision decision, ContractTerms terms, string purpose, long unitsWanted, BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(period);
        if (!decision.Allowed)
        {
            var denial = decision.Denial switch
            {
                PolicyDenial.PurposeNotPermitted => AccessDenial.PurposeNotPermitted,
                PolicyDenial.ContractEnded => AccessDenial.ContractEnded,
                _ => AccessDenial.QuotaExceeded,
            };
            return Denied(denial, decision.Reason, terms, purpose, period);
        }
        var granted = terms.Pricing.Unit == UsageUnit.Record ? decision.UnitsGranted : unitsWanted;
        return new AccessGrant(true, AccessDenial.None, "", granted, terms.DatasetId, terms.Pricing.Unit, period.Id, purpose, terms.DatasetClass,
            AggregateOnly: terms.Policy.AggregateOnly, Uncapped: terms.Policy.MaxUnitsPerPeriod is null);
    }

    public static AccessGrant Denied(AccessDenial denial, string reason, ContractTerms terms, string purpose, BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(period);
        return new(false, denial, reason, 0, terms.DatasetId, terms.Pricing.Unit, period.Id, purpose, terms.DatasetClass, AggregateOnly: terms.Policy.AggregateOnly);
    }
}
