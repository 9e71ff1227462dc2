using Marketplace.Domain;
using Marketplace.Grains;
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
    DateTimeOffset UpdatedAt);

public sealed record CatalogResponse(IReadOnlyList<CatalogItemResponse> Items, long Total, int Page, int PageSize, CatalogFacets Facets);

public static class CatalogEndpoints
{
    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/catalog", Search).WithTags("Catalog").WithName("SearchCatalog")
            .WithSummary("Search listed offerings: q (full text), class, theme, provider, priceModel, free=true, page, pageSize (1-100). "
                + "Private offerings appear only to the buyers they were offered to.")
            .RequireAuthorization().ProducesProblem(400);
        return app;
    }

    private static async Task<Ok<CatalogResponse>> Search(
        string? q, string? @class, string? theme, string? provider, string? priceModel, bool? free, int? page, int? pageSize,
        HttpContext http, ICatalogIndex catalog)
    {
        var caller = http.User.Caller();
        if (page is < 1 || pageSize is < 1 or > 100)
        {
            throw new DomainException(ErrorCodes.PagingInvalid, "'page' starts at 1 and 'pageSize' is from 1 to 100.");
        }
        var (viewerBuyerId, viewerSeesAll) = Tenancy.CatalogViewOf(caller);
        var query = new CatalogQuery(
            Text: string.IsNullOrWhiteSpace(q) ? null : q,
            DatasetClass: @class is null ? null : Wire.Name(Wire.ParseEnum<DatasetClass>(@class, "class")),
            Theme: string.IsNullOrWhiteSpace(theme) ? null : theme.Trim(),
            ProviderId: string.IsNullOrWhiteSpace(provider) ? null : provider.Trim(),
            PriceModel: priceModel is null ? null : Wire.Name(Wire.ParseEnum<PlanKind>(priceModel, "priceModel")),
            FreeOnly: free ?? false,
            ViewerBuyerId: viewerBuyerId,
            ViewerSeesAll: viewerSeesAll,
            Page: page ?? 1,
            PageSize: pageSize ?? 20);
        var result = await catalog.SearchAsync(query, http.RequestAborted);
        return TypedResults.Ok(new CatalogResponse(
            [.. result.Items.Select(l => new CatalogItemResponse(l.OfferingId, l.DatasetId, l.ProviderId, l.ProviderName, l.Title,
                l.Description, l.Keywords, l.Themes, l.DatasetClass, l.PriceModel, l.PriceSummary, l.IsFree,
                l.IsPublic ? "public" : "private", l.Licence, l.UpdatedAt))],
            result.Total, result.Page, result.PageSize, result.Facets));
    }
}
