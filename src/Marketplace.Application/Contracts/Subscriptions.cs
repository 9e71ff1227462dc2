using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Contracts;

/// <summary>A buyer subscribes to an offering with a declared purpose: from the API and from the offering's page alike.</summary>
public sealed class Subscriptions(GrainReferences grains)
{
    public Task<ContractView> SubscribeAsync(ApiPrincipal buyer, string offeringId, string? purpose)
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
        return grains.Get<IOfferingGrain>(offeringId).Subscribe(buyer.PartyId, purpose);
    }
}
