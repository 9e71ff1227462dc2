using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Contracts;

/// <summary>A buyer subscribes to an offering with a declared purpose: from the API and from the offering's page alike.</summary>
public sealed class Subscriptions(GrainReferences grains)
{
    /// <param name="idempotencyKey">With a key, a retry answers the contract the first request made (h5, issue 12: a partner city subscribing here).</param>
    public Task<ContractView> SubscribeAsync(ApiPrincipal buyer, string offeringId, string? purpose, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(buyer);
        if (string.IsNullOrWhiteSpace(purpose))
        {
            throw new DomainException(ErrorCodes.ContractPurposeMissing, "Declare the purpose you will use the data for, e.g. \"purpose\": \"research\".");
        }
        if (!Identifiers.IsValidSlug(offeringId))
        {
            throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{offeringId}'.");
        }
        return Access.AccessBroker.CheckIdempotencyKey(idempotencyKey) is { } key
            ? grains.Get<ISubscriptionKeyGrain>($"{buyer.PartyId}\n{key}").Subscribe(buyer.PartyId, offeringId, purpose)
            : grains.Get<IOfferingGrain>(offeringId).Subscribe(buyer.PartyId, purpose);
    }
}
