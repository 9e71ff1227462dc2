using Marketplace.Application.Federation;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Partners;

/// <summary>Partner cities and the offerings relayed from them (operator only).</summary>
public static class PartnerEndpoints
{
    public static IEndpointRouteBuilder MapPartnerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/partners").WithTags("Partners").RequireAuthorization(Policies.Operator);
        group.MapPost("/", Register).WithName("RegisterPartner")
            .WithSummary("Register a partner city's marketplace where this marketplace is a buyer: its base URL and our buyer key there (kept protected, never shown again).")
            .ProducesProblem(400).ProducesProblem(409);
        group.MapGet("/", List).WithName("ListPartners").WithSummary("The registered partner marketplaces (never our keys there).");
        group.MapDelete("/{id}", Remove).WithName("RemovePartner")
            .WithSummary("Forget a partner and our key there; its relayed offerings stop serving at once.").ProducesProblem(404);
        group.MapPost("/{id}/relays", Relay).WithName("CreateRelay")
            .WithSummary("Relay one of the partner's offerings: subscribe there as a buyer and list it here at the partner's price plus a margin.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422).ProducesProblem(502).ProducesProblem(503);
        group.MapGet("/{id}/relays", ListRelays).WithName("ListRelays").WithSummary("The partner's offerings relayed here.").ProducesProblem(404);
        group.MapGet("/{id}/relays/{relayId}/reconciliation", Reconcile).WithName("GetRelayReconciliation")
            .WithSummary("A relay's two ledgers for a period (period=YYYY-MM, default the current one): what our buyers used and pay against what the partner metered and charges us.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(502).ProducesProblem(503);
        return app;
    }

    private static async Task<Created<PartnerResponse>> Register(RegisterPartnerRequest request, PartnerRegistry partners)
    {
        var partner = await partners.RegisterAsync(request.ToRegistration());
        return TypedResults.Created($"/api/v1/partners/{partner.Id}", partner.ToResponse());
    }

    private static async Task<Ok<PartnerListResponse>> List(PartnerRegistry partners) =>
        TypedResults.Ok(new PartnerListResponse([.. (await partners.ListAsync()).Select(p => p.ToResponse())]));

    private static async Task<NoContent> Remove(string id, PartnerRegistry partners)
    {
        await partners.RemoveAsync(id);
        return TypedResults.NoContent();
    }

    private static async Task<Created<RelayResponse>> Relay(string id, CreateRelayRequest request, HttpContext http, Relays relays)
    {
        var relay = await relays.RelayAsync(id, request.ToRelayRequest(), http.RequestAborted);
        return TypedResults.Created($"/api/v1/partners/{relay.PartnerId}/relays/{relay.Id}", relay.ToResponse());
    }

    private static async Task<Ok<RelayListResponse>> ListRelays(string id, Relays relays) =>
        TypedResults.Ok(new RelayListResponse([.. (await relays.ListAsync(id)).Select(r => r.ToResponse())]));

    private static async Task<Ok<RelayReconciliationResponse>> Reconcile(string id, string relayId, string? period, HttpContext http, Relays relays) =>
        TypedResults.Ok((await relays.ReconcileAsync(id, relayId, period, http.RequestAborted)).ToResponse());
}
