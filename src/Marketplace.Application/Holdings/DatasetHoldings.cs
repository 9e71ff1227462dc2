using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Holdings;

/// <summary>
/// A provider's datasets and their revisions, for the API and the provider console alike: listed a page at a
/// time from the holdings index, and another provider's dataset answers exactly as a missing one.
/// </summary>
public sealed class DatasetHoldings(GrainReferences grains, IHoldingsIndex holdings)
{
    /// <summary>One page of the caller's datasets (every dataset for the operator), oldest first.</summary>
    public async Task<IndexPage<DatasetView>> PageAsync(ApiPrincipal caller, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var page = await holdings.ListDatasetsAsync(Tenancy.HoldingsOwnerFor(caller), after, pageSize, cancellationToken);
        var views = await Task.WhenAll(page.Items.Select(d => grains.Get<IDatasetGrain>(d.ItemId).Get()));
        return new IndexPage<DatasetView>([.. views.OfType<DatasetView>()], page.Next);
    }

    /// <summary>The dataset if the caller may manage it; otherwise it answers as missing.</summary>
    public async Task<DatasetView> OwnedAsync(ApiPrincipal caller, string datasetId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = Identifiers.IsValidSlug(datasetId) ? await grains.Get<IDatasetGrain>(datasetId).Get() : null;
        if (view is null || !Tenancy.MayManage(caller, view.ProviderId))
        {
            throw new DomainException(ErrorCodes.DatasetNotFound, $"There is no dataset '{datasetId}' of yours.");
        }
        return view;
    }

    /// <summary>Retires a revision; contracts then read the newest published one.</summary>
    public async Task<DatasetView> RetireRevisionAsync(ApiPrincipal caller, string datasetId, string revisionId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await OwnedAsync(caller, datasetId);
        return await grains.Get<IDatasetGrain>(datasetId).RetireRevision(caller.PartyId, revisionId);
    }
}
