using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Marketplace.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Catalog;

public sealed record CatalogItemResponse(
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
    Harvest.ListingOriginWire? Origin = null);

public sealed record CatalogResponse(IReadOnlyList<CatalogItemResponse> Items, long Total, int Page, int PageSize, CatalogFacets Facets);

public static class CatalogEndpoints
{
    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/catalog", Search).WithTags("Catalog").WithName("SearchCatalog")
            .WithSummary("Search listed offerings, with or without a key: q (full text), class, theme, provider, priceModel, free=true, licence, "
                + "sort (relevance, newest, price), page, pageSize (1-100). Private offerings appear only to the buyers they were offered to.")
            .RequireAuthorization(Policies.AnyoneOrValidKey).ProducesProblem(400);
        return app;
    }

    private static async Task<Ok<CatalogResponse>> Search(
        string? q, string? @class, string? theme, string? provider, string? priceModel, bool? free, string? licence, string? sort,
        int? page, int? pageSize,
        HttpContext http, CatalogBrowsing catalog)
    {
        var search = new CatalogSearch(
            Text: q,
            Class: @class is null ? null : Wire.ParseEnum<DatasetClass>(@class, "class"),
            Theme: theme,
            ProviderId: provider,
            PriceModel: priceModel is null ? null : Wire.ParseEnum<PlanKind>(priceModel, "priceModel"),
            FreeOnly: free ?? false,
            Page: page ?? 1,
            PageSize: pageSize ?? CatalogBrowsing.DefaultPageSize,
            Licence: licence,
            Sort: sort is null ? null : Wire.ParseEnum<CatalogSort>(sort, "sort"));
        var result = await catalog.SearchAsync(http.User.CallerOrAnonymous(), search, http.RequestAborted);
        return TypedResults.Ok(new CatalogResponse(
            [.. result.Items.Select(l => new CatalogItemResponse(l.OfferingId, l.DatasetId, l.ProviderId, l.ProviderName, l.Title,
                l.Description, l.Keywords, l.Themes, l.DatasetClass, l.PriceModel, l.PriceSummary, l.IsFree,
                l.IsPublic ? "public" : "private", l.Licence, l.UpdatedAt, l.PriceMinor, Harvest.HarvestEndpoints.ToWire(l.Origin)))],
            result.Total, result.Page, result.PageSize, result.Facets));
    }
}
