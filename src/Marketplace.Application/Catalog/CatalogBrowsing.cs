using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Catalog;

/// <summary>
/// A catalog search as a caller asks it; null filters are not applied. <paramref name="Sort"/> null is
/// <see cref="CatalogSort.Relevance"/> (the title order when there is no search text).
/// </summary>
public sealed record CatalogSearch(
    string? Text = null,
    DatasetClass? Class = null,
    string? Theme = null,
    string? ProviderId = null,
    PlanKind? PriceModel = null,
    bool FreeOnly = false,
    int Page = 1,
    int PageSize = CatalogBrowsing.DefaultPageSize,
    string? Licence = null,
    CatalogSort? Sort = null);

/// <summary>An offering as its catalog page shows it: its terms, its dataset's description and schema, and who provides it.</summary>
public sealed record CatalogEntry(OfferingView Offering, DatasetView? Dataset, string ProviderName);

/// <summary>
/// Browsing the catalog, for the API and the web pages alike: what a caller (null: an anonymous visitor) may
/// find and open is decided once, by <see cref="Tenancy"/>.
/// </summary>
public sealed class CatalogBrowsing(ICatalogIndex catalog, GrainReferences grains)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public Task<CatalogSearchResult> SearchAsync(ApiPrincipal? caller, CatalogSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.Page < 1 || search.PageSize is < 1 or > MaxPageSize)
        {
            throw new DomainException(ErrorCodes.PagingInvalid, $"'page' starts at 1 and 'pageSize' is from 1 to {MaxPageSize}.");
        }
        var (viewerBuyerId, viewerSeesAll) = Tenancy.CatalogViewOf(caller);
        var query = new CatalogQuery(
            Text: string.IsNullOrWhiteSpace(search.Text) ? null : search.Text.Trim(),
            DatasetClass: search.Class is { } datasetClass ? WireNames.Of(datasetClass) : null,
            Theme: string.IsNullOrWhiteSpace(search.Theme) ? null : search.Theme.Trim(),
            ProviderId: string.IsNullOrWhiteSpace(search.ProviderId) ? null : search.ProviderId.Trim(),
            PriceModel: search.PriceModel is { } model ? WireNames.Of(model) : null,
            FreeOnly: search.FreeOnly,
            ViewerBuyerId: viewerBuyerId,
            ViewerSeesAll: viewerSeesAll,
            Page: search.Page,
            PageSize: search.PageSize,
            Licence: string.IsNullOrWhiteSpace(search.Licence) ? null : search.Licence.Trim(),
            Sort: search.Sort);
        return catalog.SearchAsync(query, cancellationToken);
    }

    /// <summary>The offering as the caller may see it, or null when it does not exist for the caller (the API's 404).</summary>
    public async Task<OfferingView?> FindOfferingAsync(ApiPrincipal? caller, string offeringId)
    {
        if (!Identifiers.IsValidSlug(offeringId))
        {
            return null;
        }
        var view = await grains.Get<IOfferingGrain>(offeringId).Get();
        return view is not null && Tenancy.MaySee(caller, view) ? Tenancy.AsSeenBy(caller, view) : null;
    }

    /// <summary>The offering with its dataset and provider's name, or null exactly where <see cref="FindOfferingAsync"/> is.</summary>
    public async Task<CatalogEntry?> FindEntryAsync(ApiPrincipal? caller, string offeringId)
    {
        var offering = await FindOfferingAsync(caller, offeringId);
        if (offering is null)
        {
            return null;
        }
        var dataset = grains.Get<IDatasetGrain>(offering.Definition.DatasetId).Get();
        var provider = grains.Get<IPartyGrain>(offering.ProviderId).GetProfile();
        return new CatalogEntry(offering, await dataset, (await provider)?.Name ?? offering.ProviderId);
    }

    /// <summary>Display names of providers (facet values are ids); an unknown id keeps its id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ProviderNamesAsync(IEnumerable<string> providerIds)
    {
        ArgumentNullException.ThrowIfNull(providerIds);
        var ids = providerIds.Where(Identifiers.IsValidSlug).Distinct(StringComparer.Ordinal).ToList();
        var profiles = await Task.WhenAll(ids.Select(id => grains.Get<IPartyGrain>(id).GetProfile()));
        return ids.Zip(profiles).ToDictionary(p => p.First, p => p.Second?.Name ?? p.First, StringComparer.Ordinal);
    }

    /// <summary>The offerings behind a page of listings, for their terms (price and policy), keyed by offering id.</summary>
    public async Task<IReadOnlyDictionary<string, OfferingView>> OfferingsOfAsync(ApiPrincipal? caller, IEnumerable<CatalogListing> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        var views = await Task.WhenAll(listings.Select(l => FindOfferingAsync(caller, l.OfferingId)));
        return views.OfType<OfferingView>().ToDictionary(v => v.Id, StringComparer.Ordinal);
    }
}
