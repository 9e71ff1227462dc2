using Marketplace.Application.Contracts;
using Marketplace.Application.Catalog;
using Marketplace.Application.Holdings;
using Marketplace.Application.Offerings;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Features.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Offerings;

public sealed record SubscribeRequest(string? Purpose);

public static class OfferingEndpoints
{
    public static IEndpointRouteBuilder MapOfferingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/offerings").WithTags("Offerings");

        group.MapPost("/", CreateOffering).WithName("CreateOffering")
            .WithSummary("Offer one of your datasets: price, usage policy, visibility and approval; starts as a draft (provider).")
            .RequireAuthorization(Policies.Provider).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        group.MapGet("/", ListOfferings).WithName("ListOfferings")
            .WithSummary("Your offerings (provider) or every offering (operator), oldest first, a page at a time "
                + "(cursor, pageSize 1-200, default 50; follow 'next' or the Link header). Buyers search the catalog.")
            .RequireAuthorization(Policies.ProviderOrOperator);
        group.MapGet("/{id}", GetOffering).WithName("GetOffering")
            .WithSummary("One offering. A private offering is invisible (404) to buyers it was not offered to.")
            .RequireAuthorization().ProducesProblem(404);
        group.MapGet("/{id}/policy.jsonld", GetPolicy).WithName("GetOfferingPolicy")
            .WithSummary("The offering's usage policy as an ODRL 2.2 Offer in JSON-LD, with or without a key, to whoever may see the offering.")
            .RequireAuthorization(Policies.AnyoneOrValidKey).Produces(200, contentType: OdrlPolicy.MediaType).ProducesProblem(404);
        group.MapPut("/{id}", ReviseOffering).WithName("ReviseOffering")
            .WithSummary("Replace the offering's terms (its provider or the operator): send If-Match with the ETag of GET; the dataset cannot change.")
            .RequireAuthorization(Policies.ProviderOrOperator).ProducesProblem(400).ProducesProblem(404).ProducesProblem(412).ProducesProblem(428);
        group.MapGet("/{id}/preview", Preview).WithName("GetOfferingPreview")
            .WithSummary("Up to 20 records of the offering's current revision, with or without a key, where its provider allows a preview (never for personal data). Free; not metered.")
            .RequireAuthorization(Policies.AnyoneOrValidKey).ProducesProblem(404);
        group.MapPost("/{id}/publish", Publish).WithName("PublishOffering")
            .WithSummary("List the offering in the catalog.")
            .RequireAuthorization(Policies.ProviderOrOperator).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/delist", Delist).WithName("DelistOffering")
            .WithSummary("Remove the offering from the catalog; signed contracts keep their terms.")
            .RequireAuthorization(Policies.ProviderOrOperator).ProducesProblem(404);
        group.MapPost("/{id}/contracts", Subscribe).WithName("Subscribe")
            .WithSummary("Subscribe with a declared purpose; the contract is active at once or awaits the provider's approval (buyer). "
                + "With an Idempotency-Key header a retry answers the same contract.")
            .RequireAuthorization(Policies.Buyer).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    private static async Task<Created<OfferingResponse>> CreateOffering(CreateOfferingRequest request, HttpContext http, OfferingHoldings offerings)
    {
        var view = await offerings.CreateAsync(http.User.Caller(), OfferingMapping.IdOf(request), request.ToDefinition());
        return TypedResults.Created($"/api/v1/offerings/{view.Id}", view.ToResponse());
    }

    private static async Task<Ok<OfferingListResponse>> ListOfferings(
        string? cursor, string? pageSize, HttpContext http, OfferingHoldings offerings)
    {
        var request = ListPaging.Parse(cursor, pageSize);
        var page = await offerings.PageAsync(http.User.Caller(), request.After, request.PageSize, http.RequestAborted);
        return TypedResults.Ok(new OfferingListResponse([.. page.Items.Select(v => v.ToResponse())], ListPaging.Next(http, page.Next)));
    }

    private static async Task<Ok<OfferingResponse>> GetOffering(string id, HttpContext http, CatalogBrowsing catalog)
    {
        var view = await catalog.FindOfferingAsync(http.User.Caller(), id)
            ?? throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{id}'.");
        http.Response.Headers.ETag = OfferingETag.Of(view.Version);
        http.Response.Headers.Link = PolicyLink(OdrlPolicy.OfferPath(view.Id));
        return TypedResults.Ok(view.ToResponse());
    }

    /// <summary>
    /// The same offering, as anyone who may see it sees it (anonymous for a public listing), as an ODRL Offer. Its ETag is
    /// the offering's version, weak: the document also names the provider and this host, which no version counts.
    /// </summary>
    private static async Task<IResult> GetPolicy(string id, HttpContext http, CatalogBrowsing catalog)
    {
        var view = await catalog.FindOfferingAsync(http.User.CallerOrAnonymous(), id)
            ?? throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{id}'.");
        var provider = (await catalog.ProviderNamesAsync([view.ProviderId])).GetValueOrDefault(view.ProviderId, view.ProviderId);
        http.Response.Headers.ETag = "W/" + OfferingETag.Of(view.Version);
        return Results.Text(OdrlPolicy.Offer(view, provider, BaseUri(http)), OdrlPolicy.MediaType);
    }

    /// <summary>An RFC 8288 link to the ODRL policy of what the answer describes.</summary>
    public static string PolicyLink(string path) => $"<{path}>; rel=\"{OdrlPolicy.HasPolicyRelation}\"; type=\"{OdrlPolicy.MediaType}\"";

    /// <summary>The IRIs of machine-readable documents are minted under the host the caller asked (as the DCAT catalog's are).</summary>
    public static Uri BaseUri(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return new Uri($"{http.Request.Scheme}://{http.Request.Host}/");
    }

    private static async Task<Ok<OfferingResponse>> ReviseOffering(string id, ReviseOfferingRequest request, HttpContext http, OfferingTerms terms)
    {
        var caller = http.User.Caller();
        var expected = OfferingETag.ExpectedVersion(http.Request, id);
        var current = await terms.FindForEditingAsync(caller, id);
        var view = await terms.ReviseAsync(caller, id, expected, request.ToDefinition(current.Definition.DatasetId));
        http.Response.Headers.ETag = OfferingETag.Of(view.Version);
        return TypedResults.Ok(view.ToResponse());
    }

    private static async Task<Ok<OfferingPreviewResponse>> Preview(string id, HttpContext http, OfferingPreview previews) =>
        TypedResults.Ok((await previews.ReadAsync(http.User.CallerOrAnonymous(), id, http.RequestAborted)).ToResponse());

    private static async Task<Ok<OfferingResponse>> Publish(string id, HttpContext http, OfferingHoldings offerings) =>
        TypedResults.Ok((await offerings.PublishAsync(http.User.Caller(), id)).ToResponse());

    private static async Task<Ok<OfferingResponse>> Delist(string id, HttpContext http, OfferingHoldings offerings) =>
        TypedResults.Ok((await offerings.DelistAsync(http.User.Caller(), id)).ToResponse());

    private static async Task<Created<ContractResponse>> Subscribe(string id, SubscribeRequest request, HttpContext http, Subscriptions subscriptions)
    {
        var contract = await subscriptions.SubscribeAsync(http.User.Caller(), id, request.Purpose, http.Request.Headers["Idempotency-Key"]);
        return TypedResults.Created($"/api/v1/contracts/{contract.Id}", contract.ToResponse());
    }
}
