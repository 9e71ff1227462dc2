using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Host.Features.Catalog;

/// <summary>
/// The catalog as DCAT-AP 3 for open-data tools, in Turtle and JSON-LD (one graph, two writers): everything
/// visible to everyone, read anonymously. /catalog negotiates the format from Accept.
/// </summary>
public static class DcatEndpoints
{
    public static IEndpointRouteBuilder MapDcatEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/catalog.ttl", CatalogTurtle).WithName("GetDcatCatalogTurtle").WithTags("Open data")
            .WithSummary("The catalog as DCAT-AP 3 (Turtle): every offering visible to everyone.")
            .RequireAuthorization(Policies.AnyoneOrValidKey).Produces(200, contentType: DcatCatalog.TurtleMediaType);
        app.MapGet("/catalog.jsonld", CatalogJsonLd).WithName("GetDcatCatalogJsonLd").WithTags("Open data")
            .WithSummary("The catalog as DCAT-AP 3 (JSON-LD): the same graph as /catalog.ttl.")
            .RequireAuthorization(Policies.AnyoneOrValidKey).Produces(200, contentType: DcatCatalog.JsonLdMediaType);
        app.MapGet("/catalog", Catalog).WithName("GetDcatCatalog").WithTags("Open data")
            .WithSummary("The catalog as DCAT-AP 3 in the format Accept asks for: text/turtle (the default) or application/ld+json.")
            .RequireAuthorization(Policies.AnyoneOrValidKey)
            .Produces(200, null, DcatCatalog.TurtleMediaType, DcatCatalog.JsonLdMediaType).ProducesProblem(406);
        foreach (var prefix in new[] { "/catalog/datasets", "/datasets" })
        {
            var alias = prefix == "/datasets" ? "Alias" : "";
            app.MapGet(prefix + "/{id}.ttl", DatasetTurtle).WithName($"GetDcatDatasetTurtle{alias}").WithTags("Open data")
                .WithSummary("One offering visible to everyone as a DCAT-AP 3 dataset (Turtle).")
                .RequireAuthorization(Policies.AnyoneOrValidKey).Produces(200, contentType: DcatCatalog.TurtleMediaType).ProducesProblem(404);
            app.MapGet(prefix + "/{id}.jsonld", DatasetJsonLd).WithName($"GetDcatDatasetJsonLd{alias}").WithTags("Open data")
                .WithSummary("One offering visible to everyone as a DCAT-AP 3 dataset (JSON-LD).")
                .RequireAuthorization(Policies.AnyoneOrValidKey).Produces(200, contentType: DcatCatalog.JsonLdMediaType).ProducesProblem(404);
        }
        return app;
    }

    /// <summary>Whether the path is one of these machine-readable documents (answered as the API is, never as a page).</summary>
    public static bool Serves(PathString path) =>
        path.StartsWithSegments("/catalog", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/datasets", StringComparison.OrdinalIgnoreCase)
        || (path.Value is { } value && (value.Equals("/catalog.ttl", StringComparison.OrdinalIgnoreCase) || value.Equals("/catalog.jsonld", StringComparison.OrdinalIgnoreCase)));

    private static async Task<IResult> CatalogTurtle(HttpContext http, OpenDataCatalog catalog) =>
        Turtle(await catalog.CatalogAsync(BaseUri(http), http.RequestAborted));

    private static async Task<IResult> CatalogJsonLd(HttpContext http, OpenDataCatalog catalog) =>
        JsonLd(await catalog.CatalogAsync(BaseUri(http), http.RequestAborted));

    private static async Task<IResult> Catalog(HttpContext http, OpenDataCatalog catalog)
    {
        http.Response.Headers.Vary = "Accept";
        if (Negotiate(http.Request.Headers.Accept) is not { } format)
        {
            // Written as JSON whatever Accept says: the exception handler's writer would honour Accept and write nothing.
            return TypedResults.Problem(Errors.ProblemMapping.FromDomain(new DomainException(ErrorCodes.CatalogNotAcceptable,
                $"The catalog is served as {DcatCatalog.TurtleMediaType} or {DcatCatalog.JsonLdMediaType}; ask for one of them in Accept.")));
        }
        var graph = await catalog.CatalogAsync(BaseUri(http), http.RequestAborted);
        return format == DcatCatalog.JsonLdMediaType ? JsonLd(graph) : Turtle(graph);
    }

    private static async Task<IResult> DatasetTurtle(string id, HttpContext http, OpenDataCatalog catalog) =>
        Turtle(await catalog.DatasetAsync(id, BaseUri(http), http.RequestAborted));

    private static async Task<IResult> DatasetJsonLd(string id, HttpContext http, OpenDataCatalog catalog) =>
        JsonLd(await catalog.DatasetAsync(id, BaseUri(http), http.RequestAborted));

    /// <summary>
    /// The format Accept prefers: each of ours gets the quality of the most specific range naming it (exact, then
    /// type/*, then */*); the higher wins, Turtle on a tie. No Accept is Turtle; null when neither is acceptable.
    /// </summary>
    public static string? Negotiate(IEnumerable<string?> accept)
    {
        var values = accept.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToList();
        if (values.Count == 0)
        {
            return DcatCatalog.TurtleMediaType;
        }
        if (!MediaTypeHeaderValue.TryParseList(values, out var ranges))
        {
            return null;
        }
        var turtle = Quality(ranges, DcatCatalog.TurtleMediaType);
        var jsonLd = Quality(ranges, DcatCatalog.JsonLdMediaType);
        return turtle <= 0 && jsonLd <= 0 ? null
            : jsonLd > turtle ? DcatCatalog.JsonLdMediaType : DcatCatalog.TurtleMediaType;
    }

    private static double Quality(IList<MediaTypeHeaderValue> ranges, string mediaType)
    {
        var ours = new MediaTypeHeaderValue(mediaType);
        var best = ranges.Where(ours.IsSubsetOf).OrderByDescending(r => r.MatchesAllTypes ? 0 : r.MatchesAllSubTypes ? 1 : 2).FirstOrDefault();
        return best is null ? 0 : best.Quality ?? 1;
    }

    private static Uri BaseUri(HttpContext http) => new($"{http.Request.Scheme}://{http.Request.Host}/");

    private static IResult Turtle(RdfGraph graph) =>
        Results.Text(TurtleDocument.Write(graph), DcatCatalog.TurtleMediaType + "; charset=utf-8");

    private static IResult JsonLd(RdfGraph graph) =>
        Results.Text(JsonLdDocument.Write(graph), DcatCatalog.JsonLdMediaType + "; charset=utf-8");
}
