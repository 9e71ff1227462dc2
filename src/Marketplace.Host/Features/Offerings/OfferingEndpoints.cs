using Marketplace.Application.Contracts;
using Marketplace.Application.Catalog;
using Marketplace.Application.Holdings;
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
        group.MapPost("/{id}/publish", Publish).WithName("PublishOffering")
            .WithSummary("List the offering in the catalog.")
            .RequireAuthorization(Policies.ProviderOrOperator).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/delist", Delist).WithName("DelistOffering")
            .WithSummary("Remove the offering from the catalog; signed contracts keep their terms.")
            .RequireAuthorization(Policies.ProviderOrOperator).ProducesProblem(404);
        group.MapPost("/{id}/contracts", Subscribe).WithName("Subscribe")
            .WithSummary("Subscribe with a declared purpose; the contract is active at once or awaits the provider's approval (buyer).")
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

    private static async Task<Ok<OfferingResponse>> GetOffering(string id, HttpContext http, CatalogBrowsing catalog) =>
        await catalog.FindOfferingAsync(http.User.Caller(), id) is { } view
            ? TypedResults.Ok(view.ToResponse())
            : throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{id}'.");

    private static async Task<Ok<OfferingResponse>> Publish(string id, HttpContext http, OfferingHoldings offerings) =>
        TypedResults.Ok((await offerings.PublishAsync(http.User.Caller(), id)).ToResponse());

    private static async Task<Ok<OfferingResponse>> Delist(string id, HttpContext http, OfferingHoldings offerings) =>
        TypedResults.Ok((await offerings.DelistAsync(http.User.Caller(), id)).ToResponse());

    private static async Task<Created<ContractResponse>> Subscribe(string id, SubscribeRequest request, HttpContext http, Subscriptions subscriptions)
    {
        var contract = await subscriptions.SubscribeAsync(http.User.Caller(), id, request.Purpose);
        return TypedResults.Created($"/api/v1/contracts/{contract.Id}", contract.ToResponse());
    }
}
