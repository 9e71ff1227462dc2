using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Marketplace.Storage;
using System.Text.Json;

namespace Marketplace.Host.Features.Ckan;

/// <summary>
/// A CKAN-compatible read API (CKAN's Action API, version 3) over what everyone may see, so CKAN clients and
/// harvesters read the catalog. It answers in CKAN's envelope and CKAN's error format, not ProblemDetails, because
/// that is what those clients parse. The shapes are <see cref="CkanCatalog"/>'s; these handlers only translate HTTP.
/// </summary>
public static class CkanEndpoints
{
    public const string Tag = "CKAN";

    public static IEndpointRouteBuilder MapCkanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/3/action").WithTags(Tag).RequireAuthorization(Policies.AnyoneOrValidKey);
        Declare(group.MapGet("/package_list", PackageList), "CkanPackageList", "CKAN package_list: the names of every package (offering visible to everyone).");
        Declare(group.MapGet("/package_show", PackageShow), "CkanPackageShow", "CKAN package_show: one package by id or name.");
        Declare(group.MapGet("/package_search", PackageSearch), "CkanPackageSearch", "CKAN package_search: q, fq, rows, start, sort, facet.field, facet.limit, facet.mincount.");
        Declare(group.MapGet("/organization_list", OrganizationList), "CkanOrganizationList", "CKAN organization_list: providers with a package; all_fields=true for their dicts.");
        Declare(group.MapGet("/organization_show", OrganizationShow), "CkanOrganizationShow", "CKAN organization_show: one provider by id; include_datasets, include_dataset_count.");
        Declare(group.MapGet("/group_list", GroupList), "CkanGroupList", "CKAN group_list: the themes of the packages; all_fields=true for their dicts.");
        Declare(group.MapGet("/tag_list", TagList), "CkanTagList", "CKAN tag_list: the keywords of the packages; query filters them.");
        Declare(group.MapGet("/status_show", StatusShow), "CkanStatusShow", "CKAN status_show: the site and the CKAN API version it speaks.");
        Declare(group.MapPost("/{action}", Post).Produces<CkanEnvelope>(400), "CkanActionPost",
            "CKAN actions by POST with their parameters in a JSON object body, as CKAN accepts them.");
        group.MapGet("/{action}", (string action, HttpContext http) => ActionNotKnown(http, action)).WithName("CkanActionNotKnown")
            .WithSummary("Any other CKAN action: answered as CKAN answers an action it does not know (400 Bad Request).")
            .Produces<CkanEnvelope>(400);
        return app;
    }

    private static void Declare(RouteHandlerBuilder endpoint, string name, string summary) =>
        endpoint.WithName(name).WithSummary(summary)
            .Produces<CkanEnvelope>(200).Produces<CkanEnvelope>(404).Produces<CkanEnvelope>(409);

    /// <summary>The CKAN version whose API this one follows (status_show's ckan_version).</summary>
    public const string CkanVersion = "2.10.4";

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    /// <summary>Runs an action and answers it in CKAN's envelope; refusals answer CKAN's error with CKAN's status.</summary>
    private static async Task<IResult> Answer(HttpContext http, string action, Func<Task<object>> run)
    {
        var help = $"{BaseUrl(http)}/api/3/action/help_show?name={action}";
        try
        {
            return Results.Json(new CkanEnvelope(help, true, await run()));
        }
        catch (CkanRefusal refusal)
        {
            return Results.Json(new CkanEnvelope(help, false, Error: new CkanErrorBody(refusal.Type, refusal.Message)), statusCode: refusal.Status);
        }
        catch (DomainException e)
        {
            var notFound = e.Kind == ErrorKind.NotFound;
            return Results.Json(new CkanEnvelope(help, false, Error: new CkanErrorBody(notFound ? "Not Found Error" : "Validation Error", e.Message)),
                statusCode: notFound ? 404 : 409);
        }
    }

    private static CkanIndex Index(HttpContext http, CatalogBrowsing catalog) => CkanIndex.Of(catalog, BaseUrl(http));

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw CkanRefusal.Invalid($"Missing value: '{name}'.") : value.Trim();

    private static bool AllFields(string? value) => value?.Trim().ToLowerInvariant() is "true" or "1" or "yes";

    private static Task<IResult> PackageList(string? limit, string? offset, HttpContext http, CatalogBrowsing catalog) =>
        Answer(http, "package_list", async () =>
        {
            var (take, skip) = CkanCatalog.Window(limit, offset);
            // Names in order: the index orders by title or relevance, so its listings are all read (no grain call).
            return (await Index(http, catalog).ListingsAsync(new CatalogSearch(), http.RequestAborted)).Select(l => l.OfferingId)
                .Order(StringComparer.Ordinal).Skip(skip).Take(take).ToList();
        });

    private static Task<IResult> PackageShow(string? id, HttpContext http, CatalogBrowsing catalog) =>
        Answer(http, "package_show", async () =>
        {
            var entry = await catalog.FindEntryAsync(null, Required(id, "id"))
                ?? throw CkanRefusal.NotFound("Not found");
            return CkanCatalog.Package(entry, BaseUrl(http));
        });

    private static Task<IResult> PackageSearch(string? q, string? fq, string? rows, string? start, string? sort, HttpContext http, CatalogBrowsing catalog) =>
        Search(q, fq, rows, start, sort, http.Request.Query["facet.field"].OfType<string>(),
            http.Request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal), http, catalog);

    /// <summary>f.&lt;field&gt;.facet.limit parameters, by field.</summary>
    private static Dictionary<string, string> FieldFacetLimits(IReadOnlyDictionary<string, string> parameters) =>
        parameters.Where(p => p.Key.StartsWith("f.", StringComparison.Ordinal) && p.Key.EndsWith(".facet.limit", StringComparison.Ordinal)
                && p.Key.Length > "f..facet.limit".Length)
            .ToDictionary(p => p.Key["f.".Length..^".facet.limit".Length], p => p.Value, StringComparer.Ordinal);

    private static Task<IResult> Search(string? q, string? fq, string? rows, string? start, string? sort, IEnumerable<string> facetFields,
        IReadOnlyDictionary<string, string> parameters, HttpContext http, CatalogBrowsing catalog) =>
        Answer(http, "package_search", async () =>
        {
            var query = CkanCatalog.Query(q, fq, rows, start, sort, facetFields,
                parameters.GetValueOrDefault("facet.limit"), parameters.GetValueOrDefault("facet.mincount"), FieldFacetLimits(parameters));
            return await Index(http, catalog).SearchAsync(query, http.RequestAborted);
        });

    private static Task<IResult> OrganizationList(string? all_fields, string? limit, string? offset, HttpContext http, CatalogBrowsing catalog) =>
        Answer(http, "organization_list", async () =>
        {
            var (take, skip) = CkanCatalog.Window(limit, offset);
            // The index counts listings per provider: one read, whatever the catalog's size.
            var index = Index(http, catalog);
            var counts = (await index.CountAsync(new CatalogSearch(), http.RequestAborted)).Facets.Providers
                .Where(c => c.Count > 0).OrderBy(c => c.Value, StringComparer.Ordinal).Skip(skip).Take(take).ToList();
            if (!AllFields(all_fields))
            {
                return counts.Select(c => c.Value).ToList();
            }
            var names = await catalog.ProviderNamesAsync(counts.Select(c => c.Value));
            return counts.Select(c => CkanCatalog.Organization(c.Value, names.GetValueOrDefault(c.Value) ?? c.Value, c.Count)).ToList();
        });

    /// <summary>The most packages organization_show's include_datasets lists (CKAN's list is truncated too).</summary>
    public const int MaxShownDatasets = 100;

    private static Task<IResult> OrganizationShow(string? id, string? include_datasets, string? include_dataset_count, HttpContext http, CatalogBrowsing catalog) =>
        Answer(http, "organization_show", async () =>
        {
            var wanted = Required(id, "id");
            var index = Index(http, catalog);
            var theirs = await index.CountAsync(new CatalogSearch(ProviderId: wanted), http.RequestAborted);
            if (theirs.Total == 0 || theirs.Items.Count == 0)
            {
                throw CkanRefusal.NotFound("Organization not found");
            }
            var organization = CkanCatalog.Organization(wanted, theirs.Items[0].ProviderName,
                include_dataset_count is null || AllFields(include_dataset_count) ? theirs.Total : null);
            if (!AllFields(include_datasets))
            {
                return organization;
            }
            var shown = await catalog.SearchAsync(null, new CatalogSearch(ProviderId: wanted, PageSize: MaxShownDatasets), http.RequestAborted);
            var packages = await index.PackagesAsync(shown.Items.Select(l => l.OfferingId));
            return CkanCatalog.WithPackages(organization, packages);
        });

    private static Task<IResult> GroupList(string? all_fields, string? limit, string? offset, HttpContext http, CatalogBrowsing catalog) =>
        Answer(http, "group_list", async () =>
        {
            var (take, skip) = CkanCatalog.Window(limit, offset);
            // The index counts listings per theme: one read, whatever the catalog's size.
            var groups = (await Index(http, catalog).CountAsync(new CatalogSearch(), http.RequestAborted)).Facets.Themes
                .Where(c => c.Count > 0)
                .OrderBy(c => c.Value, StringComparer.Ordinal)
                .Skip(skip).Take(take)
                .Select(c => CkanCatalog.Group(c.Value, c.Count))
                .ToList();
            return AllFields(all_fields) ? groups : groups.Select(g => g.Name).ToList();
        });

    /// <summary>tag_list; <paramref name="query"/> keeps the tags whose name contains it, ignoring case (CKAN's tag search).</summary>
    private static Task<IResult> TagList(string? query, HttpContext http, CatalogBrowsing catalog) =>
        Answer(http, "tag_list", async () =>
            (await Index(http, catalog).ListingsAsync(new CatalogSearch(), http.RequestAborted))
                .SelectMany(l => l.Keywords).Distinct(StringComparer.Ordinal)
                .Where(t => string.IsNullOrWhiteSpace(query) || t.Contains(query.Trim(), StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList());

    private static Task<IResult> StatusShow(HttpRequest request) =>
        Answer(request.HttpContext, "status_show", () => Task.FromResult<object>(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["site_title"] = "Data marketplace",
            ["site_description"] = "The city's data marketplace: open data and brokered datasets.",
            ["site_url"] = BaseUrl(request.HttpContext),
            ["ckan_version"] = CkanVersion,
            ["error_emails_to"] = null,
            ["locale_default"] = "ja",
            ["extensions"] = Array.Empty<string>(),
        }));

    /// <summary>Largest JSON body a POSTed action reads: parameters, never data.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// An action POSTed with a JSON object of its parameters. CKAN answers a body that is not such an object, or an
    /// action it does not know, with 400 "Bad request".
    /// </summary>
    private static async Task<IResult> Post(string action, HttpContext http, CatalogBrowsing catalog)
    {
        IResult BadRequest(string message) => CkanBadRequest(http, action, message);

        Dictionary<string, string> parameters;
        try
        {
            parameters = await ReadParametersAsync(http.Request, http.RequestAborted);
        }
        catch (JsonException)
        {
            return BadRequest("JSON Error: the body must be a JSON object of the action's parameters.");
        }
        catch (InvalidDataException)
        {
            return BadRequest($"JSON Error: the body is larger than {MaxBodyBytes / 1024} KB.");
        }
        string? Get(string name) => parameters.GetValueOrDefault(name);
        return action switch
        {
            "package_list" => await PackageList(Get("limit"), Get("offset"), http, catalog),
            "package_show" => await PackageShow(Get("id"), http, catalog),
            "package_search" => await Search(Get("q"), Get("fq"), Get("rows"), Get("start"), Get("sort"),
                Get("facet.field") is { } facets ? [facets] : [], parameters, http, catalog),
            "organization_list" => await OrganizationList(Get("all_fields"), Get("limit"), Get("offset"), http, catalog),
            "organization_show" => await OrganizationShow(Get("id"), Get("include_datasets"), Get("include_dataset_count"), http, catalog),
            "group_list" => await GroupList(Get("all_fields"), Get("limit"), Get("offset"), http, catalog),
            "tag_list" => await TagList(Get("query"), http, catalog),
            "status_show" => await StatusShow(http.Request),
            _ => ActionNotKnown(http, action),
        };
    }

    /// <summary>CKAN's answer to a request it cannot take: 400 with error type "Bad Request".</summary>
    private static IResult CkanBadRequest(HttpContext http, string action, string message) =>
        Results.Json(new CkanEnvelope($"{BaseUrl(http)}/api/3/action/help_show?name={Uri.EscapeDataString(action)}", false,
            Error: new CkanErrorBody("Bad Request", $"Bad request - {message}")), statusCode: 400);

    private static IResult ActionNotKnown(HttpContext http, string action) =>
        CkanBadRequest(http, action, $"Action name not known: {(action.Length > 100 ? action[..100] : action)}");

    /// <summary>The body's JSON object as parameter values: strings as they are, anything else as its JSON text.</summary>
    private static async Task<Dictionary<string, string>> ReadParametersAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new InvalidDataException("too large");
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
        {
            return parameters;
        }
        using var json = JsonDocument.Parse(buffer.ToArray());
        if (json.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("not an object");
        }
        foreach (var property in json.RootElement.EnumerateObject())
        {
            parameters[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }
        return parameters;
    }
}
