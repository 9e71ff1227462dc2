using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Catalog;

/// <summary>
/// The open-data catalog (DCAT-AP 3) as one graph, for the Turtle and JSON-LD documents alike: every listing an
/// anonymous visitor finds, with its dataset's coverage and its provider's contact read from their grains.
/// </summary>
public sealed class OpenDataCatalog(CatalogBrowsing browsing, GrainReferences grains, CatalogPublication publication)
{
    /// <summary>The whole catalog, its IRIs under <paramref name="baseUri"/>.</summary>
    public async Task<RdfGraph> CatalogAsync(Uri baseUri, CancellationToken cancellationToken = default) =>
        DcatCatalog.Graph(await EntriesAsync(await VisibleToEveryoneAsync(cancellationToken)), baseUri, publication);

    /// <summary>One offering's dataset; an offering not listed for everyone, hidden or unknown, is not found alike.</summary>
    public async Task<RdfGraph> DatasetAsync(string offeringId, Uri baseUri, CancellationToken cancellationToken = default)
    {
        var listing = await browsing.FindOfferingAsync(null, offeringId) is null
            ? null
            : (await VisibleToEveryoneAsync(cancellationToken)).FirstOrDefault(l => l.OfferingId == offeringId);
        return listing is null
            ? throw new DomainException(ErrorCodes.OfferingNotFound, $"No offering '{offeringId}' is listed for everyone.")
            : DcatCatalog.Graph(await EntriesAsync([listing]), baseUri, publication);
    }

    private async Task<IReadOnlyList<DcatEntry>> EntriesAsync(IReadOnlyList<CatalogListing> listings)
    {
        var datasetIds = listings.Select(l => l.DatasetId).Distinct(StringComparer.Ordinal).ToList();
        var providerIds = listings.Select(l => l.ProviderId).Distinct(StringComparer.Ordinal).ToList();
        var datasets = Task.WhenAll(datasetIds.Select(id => grains.Get<IDatasetGrain>(id).Get()));
        var profiles = Task.WhenAll(providerIds.Select(id => grains.Get<IPartyGrain>(id).GetProfile()));
        var metadata = datasetIds.Zip(await datasets).ToDictionary(p => p.First, p => p.Second?.Definition.Metadata, StringComparer.Ordinal);
        var contacts = providerIds.Zip(await profiles).ToDictionary(p => p.First, p => p.Second?.ContactEmail, StringComparer.Ordinal);
        return [.. listings.Select(l => new DcatEntry(l, DetailsOf(metadata.GetValueOrDefault(l.DatasetId), contacts.GetValueOrDefault(l.ProviderId))))];
    }

    private static DcatDetails DetailsOf(DatasetMetadata? m, string? contactEmail) =>
        m is null
            ? new DcatDetails(ContactEmail: contactEmail)
            : new DcatDetails(m.Spatial, m.SpatialIri, m.BoundingBox, m.TemporalStart, m.TemporalEnd, contactEmail);

    private async Task<IReadOnlyList<CatalogListing>> VisibleToEveryoneAsync(CancellationToken cancellationToken)
    {
        var listings = new List<CatalogListing>();
        for (var page = 1; ; page++)
        {
            var result = await browsing.SearchAsync(null, new CatalogSearch(Page: page, PageSize: CatalogBrowsing.MaxPageSize), cancellationToken);
            listings.AddRange(result.Items);
            if (result.Items.Count < CatalogBrowsing.MaxPageSize || listings.Count >= result.Total)
            {
                break;
            }
        }
        return listings;
    }
}
