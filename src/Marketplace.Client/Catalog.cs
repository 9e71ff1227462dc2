namespace Marketplace.Client;

/// <param name="Page">From 1.</param>
/// <param name="PageSize">1 to 100.</param>
public sealed record CatalogQuery(
    string? Text = null,
    string? Class = null,
    string? Theme = null,
    string? Provider = null,
    string? PriceModel = null,
    bool FreeOnly = false,
    int Page = 1,
    int PageSize = 20);

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
    DateTimeOffset UpdatedAt);

public sealed record FacetCount(string Value, long Count);

public sealed record CatalogFacets(
    IReadOnlyList<FacetCount> Classes,
    IReadOnlyList<FacetCount> Themes,
    IReadOnlyList<FacetCount> Providers,
    IReadOnlyList<FacetCount> PriceModels);

public sealed record CatalogPage(IReadOnlyList<CatalogItem> Items, long Total, int Page, int PageSize, CatalogFacets Facets);
