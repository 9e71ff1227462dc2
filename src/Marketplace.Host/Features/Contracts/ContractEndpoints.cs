using Marketplace.Application.Catalog;
using Marketplace.Application.Holdings;
using Marketplace.Application.Offerings;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Features.Offerings;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Contracts;

public static class ContractEndpoints
{
    public static IEndpointRouteBuilder MapContractEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/contracts").WithTags("Contracts");

        group.MapGet("/", ListContracts).WithName("ListContracts")
            .WithSummary("Contracts you are party to (buyer: yours; provider: on your offerings; operator: all), oldest first, a page at a time "
                + "(cursor, pageSize 1-200, default 50; follow 'next' or the Link header). Filter by status and offeringId.")
            .RequireAuthorization().ProducesProblem(400);
        group.MapGet("/{id}", GetContract).WithName("GetContract").WithSummary("One contract with its history.")
            .RequireAuthorization().ProducesProblem(404);
        group.MapGet("/{id}/agreement.jsonld", GetAgreement).WithName("GetContractAgreement")
            .WithSummary("The terms the contract was made under as an ODRL 2.2 Agreement in JSON-LD (its parties and the operator).")
            .RequireAuthorization().Produces(200, contentType: OdrlPolicy.MediaType).ProducesProblem(404);
        MapTransition(group, "approve", ContractAction.Approve, "Approve a requested contract (provider or operator).");
        MapTransition(group, "reject", ContractAction.Reject, "Reject a requested contract (provider or operator).");
        MapTransition(group, "suspend", ContractAction.Suspend, "Suspend an active contract (provider or operator).");
        MapTransition(group, "resume", ContractAction.Resume, "Resume a suspended contract (provider or operator).");
        MapTransition(group, "terminate", ContractAction.Terminate, "End a contract for good (buyer, provider or operator).");
        return app;
    }

    private static void MapTransition(RouteGroupBuilder group, string verb, ContractAction action, string summary)
    {
        var name = string.Concat(char.ToUpperInvariant(verb[0]), verb[1..]) + "Contract";
        group.MapPost($"/{{id}}/{verb}", (string id, ContractActionRequest? request, HttpContext http, ContractDecisions decisions) =>
                Transition(id, action, request, http, decisions))
            .WithName(name).WithSummary(summary)
            .RequireAuthorization().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
    }

    private static async Task<Ok<ContractListResponse>> ListContracts(
        string? status, string? offeringId, string? cursor, string? pageSize, HttpContext http, ContractScope scope)
    {
        var wanted = status is null ? (ContractStatus?)null : Wire.ParseEnum<ContractStatus>(status, "status");
        var offering = string.IsNullOrEmpty(offeringId) ? null : offeringId.Trim();
        if (offering is not null)
        {
            // Offering ids are slugs; anything else (say 10,000 characters) is refused before it reaches the index.
            Wire.EnsureSlug(offering, "offeringId");
        }
        var page = await scope.PageVisibleToAsync(http.User.Caller(), ListPaging.Parse(cursor, pageSize), wanted, offering, http.RequestAborted);
        return TypedResults.Ok(new ContractListResponse([.. page.Items.Select(v => v.ToResponse())], ListPaging.Next(http, page.Next)));
    }

    private static async Task<Ok<ContractResponse>> GetContract(string id, HttpContext http, ContractScope scope)
    {
        var view = await scope.GetAsync(id, http.User.Caller());
        http.Response.Headers.Link = OfferingEndpoints.PolicyLink(OdrlPolicy.AgreementPath(view.Id));
        return TypedResults.Ok(view.ToResponse());
    }

    /// <summary>Read exactly as the contract is: its parties and the operator; anyone else gets the same 404.</summary>
    private static async Task<IResult> GetAgreement(string id, HttpContext http, ContractScope scope, CatalogBrowsing catalog)
    {
        var view = await scope.GetAsync(id, http.User.Caller());
        // Display names of parties by id, whatever their role (the buyer's too).
        var names = await catalog.ProviderNamesAsync([view.Terms.ProviderId, view.BuyerId]);
        var document = OdrlPolicy.Agreement(view, names.GetValueOrDefault(view.Terms.ProviderId, view.Terms.ProviderId),
            names.GetValueOrDefault(view.BuyerId, view.BuyerId), OfferingEndpoints.BaseUri(http));
        return Results.Text(document, OdrlPolicy.MediaType);
    }

    private static async Task<Ok<ContractResponse>> Transition(
        string id, ContractAction action, ContractActionRequest? request, HttpContext http, ContractDecisions decisions)
    {
        var view = await decisions.TakeAsync(http.User.Caller(), id, action, request?.Reason);
        return TypedResults.Ok(view.ToResponse());
    }
}
