namespace Marketplace.Client;

/// <param name="Page">From 1.</param>
/// <param name="PageSize">1 to 100.</param>
/// <param name="Sort">relevance (the default), newest or price (lowest <see cref="CatalogItem.PriceMinor"/> first).</param>
public sealed record CatalogQuery(
    string? Text = null,
    string? Class = null,
    string? Theme = null,
    string? Provider = null,
    string? PriceModel = null,
    bool FreeOnly = false,
    int Page = 1,
    int PageSize = 20,
    string? Licence = null,
    string? Sort = null);

/// <param name="PriceMinor">What the first billable thing costs in minor units (0 free); null when not yet known.</param>
public sealed record CatalogItem(
    string OfferingId,
    string DatasetId,
    string ProviderId,
    string ProviderName,
    string Title,
    string Description,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Themes,
    string DatasetClass,
    string PriceModel,
    string PriceSummary,
    bool IsFree,
    string Visibility,
    string Licence,
    DateTimeOffset UpdatedAt,
    long? PriceMinor,
    ListingOrigin? Origin = null);

/// <summary>A harvested listing's origin: the other catalog it comes from and the dataset's own page and data there.</summary>
public sealed record ListingOrigin(
    string SourceId,
    string SourceName,
    string SourceDatasetId,
    string Publisher,
    string SourceLink,
    DateTimeOffset HarvestedAt,
    IReadOnlyList<HarvestedResource> Resources);

public sealed record HarvestedResource(string Name, string Url, string Format);

public sealed record FacetCount(string Value, long Count);

public sealed record CatalogFacets(
    IReadOnlyList<FacetCount> Classes,
    IReadOnlyList<FacetCount> Themes,
    IReadOnlyList<FacetCount> Providers,
    IReadOnlyList<FacetCount> PriceModels,
    IReadOnlyList<FacetCount> Licences);

public sealed record CatalogPage(IReadOnlyList<CatalogItem> Items, long Total, int Page, int PageSize, CatalogFacets Facets);
