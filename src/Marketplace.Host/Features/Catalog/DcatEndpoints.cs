using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Catalog;

/// <summary>The catalog as DCAT-AP 3 Turtle for open-data tools: everything visible to everyone, read anonymously.</summary>
public static class DcatEndpoints
{
    public static IEndpointRouteBuilder MapDcatEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/catalog.ttl", Catalog).WithName("GetDcatCatalogTurtle").WithTags("Open data")
            .WithSummary("The catalog as DCAT-AP 3 (Turtle): every offering visible to everyone.")
            .RequireAuthorization(Policies.AnyoneOrValidKey).Produces(200, contentType: DcatCatalog.TurtleMediaType);
        app.MapGet("/catalog", Catalog).WithName("GetDcatCatalog").WithTags("Open data")
            .WithSummary("The catalog as DCAT-AP 3 (Turtle), the same as /catalog.ttl.")
            .RequireAuthorization(Policies.AnyoneOrValidKey).Produces(200, contentType: DcatCatalog.TurtleMediaType);
        app.MapGet("/catalog/datasets/{id}.ttl", Dataset).WithName("GetDcatDatasetTurtle").WithTags("Open data")
            .WithSummary("One offering visible to everyone as a DCAT-AP 3 dataset (Turtle).")
            .RequireAuthorization(Policies.AnyoneOrValidKey).Produces(200, contentType: DcatCatalog.TurtleMediaType).ProducesProblem(404);
        return app;
    }

    /// <summary>Whether the path is one of these machine-readable documents (answered as the API is, never as a page).</summary>
    public static bool Serves(PathString path) =>
        path.Equals("/catalog.ttl", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/catalog", StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> Catalog(HttpContext http, CatalogBrowsing browsing) =>
        Turtle(http, await VisibleToEveryoneAsync(http, browsing));

    private static async Task<IResult> Dataset(string id, HttpContext http, CatalogBrowsing browsing)
    {
        // Only what the anonymous catalog lists; anything else, hidden or unknown, is not found alike.
        var listing = await browsing.FindOfferingAsync(null, id) is null
            ? null
            : (await VisibleToEveryoneAsync(http, browsing)).FirstOrDefault(l => l.OfferingId == id);
        return listing is null
            ? throw new DomainException(ErrorCodes.OfferingNotFound, $"No offering '{id}' is listed for everyone.")
            : Turtle(http, [listing]);
    }

    private static IResult Turtle(HttpContext http, IReadOnlyList<CatalogListing> listings)
    {
        var baseUri = new Uri($"{http.Request.Scheme}://{http.Request.Host}/");
        return Results.Text(DcatCatalog.Turtle(listings, baseUri), DcatCatalog.TurtleMediaType + "; charset=utf-8");
    }

    private static async Task<IReadOnlyList<CatalogListing>> VisibleToEveryoneAsync(HttpContext http, CatalogBrowsing browsing)
    {
        var listings = new List<CatalogListing>();
        for (var page = 1; ; page++)
        {
            var result = await browsing.SearchAsync(null, new CatalogSearch(Page: page, PageSize: CatalogBrowsing.MaxPageSize), http.RequestAborted);
            listings.AddRange(result.Items);
            if (result.Items.Count < CatalogBrowsing.MaxPageSize || listings.Count >= result.Total)
            {
                break;
            }
        }
        return listings;
    }
}
