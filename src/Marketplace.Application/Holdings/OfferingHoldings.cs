using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Holdings;

/// <summary>
/// A provider's offerings for the API and the provider console alike: listing, creating, listing in and
/// removing from the catalog. The offering grain judges who may publish or delist; this only routes.
/// </summary>
public sealed class OfferingHoldings(GrainReferences grains, IHoldingsIndex holdings)
{
    /// <summary>One page of the caller's offerings (every offering for the operator), oldest first, as the caller may see them.</summary>
    public async Task<IndexPage<OfferingView>> PageAsync(ApiPrincipal caller, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var page = await holdings.ListOfferingsAsync(Tenancy.HoldingsOwnerFor(caller), after, pageSize, cancellationToken);
        var views = await Task.WhenAll(page.Items.Select(o => grains.Get<IOfferingGrain>(o.ItemId).Get()));
        return new IndexPage<OfferingView>(
            [.. views.OfType<OfferingView>().Where(v => Tenancy.MaySee(caller, v)).Select(v => Tenancy.AsSeenBy(caller, v))], page.Next);
    }

    /// <summary>The offering if the caller may manage it; otherwise it answers as missing.</summary>
    public async Task<OfferingView> OwnedAsync(ApiPrincipal caller, string offeringId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = Identifiers.IsValidSlug(offeringId) ? await grains.Get<IOfferingGrain>(offeringId).Get() : null;
        if (view is null || !Tenancy.MayManage(caller, view.ProviderId))
        {
            throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{offeringId}' of yours.");
        }
        return view;
    }

    /// <summary>A new offering of one of the caller's datasets, as a draft; <paramref name="offeringId"/> is an already checked slug.</summary>
    public Task<OfferingView> CreateAsync(ApiPrincipal caller, string offeringId, OfferingDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return grains.Get<IOfferingGrain>(offeringId).Create(caller.PartyId, definition);
    }

    public Task<OfferingView> PublishAsync(ApiPrincipal caller, string offeringId) => grains.Get<IOfferingGrain>(offeringId).Publish(caller);

    public Task<OfferingView> DelistAsync(ApiPrincipal caller, string offeringId) => grains.Get<IOfferingGrain>(offeringId).Delist(caller);
}
