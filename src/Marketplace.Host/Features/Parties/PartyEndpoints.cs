using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Parties;

public sealed record CreatePartyRequest(string? Id, string? Role, string? Name);

public sealed record PartyResponse(string Id, string Role, string Name, DateTimeOffset CreatedAt, string Status, string? SuspensionReason);

public sealed record PartyWithKeyResponse(string Id, string Role, string Name, string ApiKey);

/// <summary>A page of parties; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record PartyListResponse(IReadOnlyList<PartyResponse> Items, string? Next);

public sealed record ApiKeyResponse(string PartyId, string ApiKey);

/// <summary>A key as its party sees it: the public prefix and dates, never the secret.</summary>
public sealed record PartyKeyResponse(string Prefix, DateTimeOffset IssuedAt, bool Revoked, DateTimeOffset? RevokedAt);

public sealed record PartyKeyListResponse(IReadOnlyList<PartyKeyResponse> Items);

public sealed record SuspendPartyRequest(string? Reason);

public static class PartyEndpoints
{
    public static IEndpointRouteBuilder MapPartyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/parties").WithTags("Parties");

        group.MapPost("/", CreateParty).WithName("CreateParty")
            .WithSummary("Register a provider, information bank, buyer or operator and issue its first API key (shown once).")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400).ProducesProblem(409).WithMetadata(new NoStore());
        group.MapGet("/", ListParties).WithName("ListParties")
            .WithSummary("Every party (operator), in registration order, a page at a time (cursor, pageSize 1-200, default 50; follow 'next' or the Link header).")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400);
        group.MapGet("/me", Me).WithName("WhoAmI").WithSummary("The party the API key belongs to.")
            .RequireAuthorization();
        group.MapPost("/{id}/keys", IssueKey).WithName("IssueApiKey")
            .WithSummary("Issue another API key for a party (operator, or the party itself for its own); the key is shown once.")
            .RequireAuthorization().ProducesProblem(404).ProducesProblem(409).WithMetadata(new NoStore());
        group.MapGet("/{id}/keys", ListKeys).WithName("ListApiKeys")
            .WithSummary("A party's API keys: prefixes, when each was issued and whether it is revoked (operator, or the party itself).")
            .RequireAuthorization().ProducesProblem(404).WithMetadata(new NoStore());
        group.MapPost("/{id}/keys/{prefix}/revoke", RevokeKey).WithName("RevokeApiKey")
            .WithSummary("Revoke one of a party's API keys (operator, or the party itself for its own keys).")
            .RequireAuthorization().ProducesProblem(404).WithMetadata(new NoStore());
        group.MapPost("/{id}/suspend", Suspend).WithName("SuspendParty")
            .WithSummary("Suspend a party (operator): its keys stop working and no data flows under its contracts.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/reinstate", Reinstate).WithName("ReinstateParty")
            .WithSummary("Lift a party's suspension (operator).")
            .RequireAuthorization(Policies.Operator).ProducesProblem(404);
        return app;
    }

    private static async Task<Created<PartyWithKeyResponse>> CreateParty(CreatePartyRequest request, PartyAdministration parties)
    {
        var created = await parties.RegisterAsync(request.Id, request.Role, request.Name);
        var profile = created.Profile;
        return TypedResults.Created($"/api/v1/parties/{profile.Id}", new PartyWithKeyResponse(profile.Id, Wire.Name(profile.Role), profile.Name, created.ApiKey));
    }

    private static async Task<Ok<PartyListResponse>> ListParties(string? cursor, string? pageSize, HttpContext http, PartyAdministration parties)
    {
        var page = await parties.ListAsync(ListPaging.Parse(cursor, pageSize), http.RequestAborted);
        return TypedResults.Ok(new PartyListResponse([.. page.Items.Select(ToResponse)], ListPaging.Next(http, page.Next)));
    }

    private static async Task<Ok<PartyResponse>> Me(HttpContext http, IGrainFactory grains)
    {
        var caller = http.User.Caller();
        var profile = await grains.GetGrain<IPartyGrain>(caller.PartyId).GetProfile()
            ?? throw new DomainException(ErrorCodes.PartyNotFound, "The party of this key no longer exists.");
        return TypedResults.Ok(ToResponse(profile));
    }

    private static async Task<Created<ApiKeyResponse>> IssueKey(string id, HttpContext http, PartyAdministration parties) =>
        TypedResults.Created($"/api/v1/parties/{id}/keys", new ApiKeyResponse(id, await parties.IssueKeyAsync(http.User.Caller(), id)));

    private static async Task<Ok<PartyKeyListResponse>> ListKeys(string id, HttpContext http, PartyAdministration parties)
    {
        var keys = await parties.ListKeysAsync(http.User.Caller(), id);
        return TypedResults.Ok(new PartyKeyListResponse([.. keys.Select(ToResponse)]));
    }

    private static async Task<Ok<PartyKeyResponse>> RevokeKey(string id, string prefix, HttpContext http, PartyAdministration parties) =>
        TypedResults.Ok(ToResponse(await parties.RevokeKeyAsync(http.User.Caller(), id, prefix)));

    private static async Task<Ok<PartyResponse>> Suspend(string id, SuspendPartyRequest request, HttpContext http, PartyAdministration parties) =>
        TypedResults.Ok(ToResponse(await parties.SuspendAsync(http.User.Caller(), id, request.Reason)));

    private static async Task<Ok<PartyResponse>> Reinstate(string id, PartyAdministration parties) =>
        TypedResults.Ok(ToResponse(await parties.ReinstateAsync(id)));

    private static PartyResponse ToResponse(PartyProfile p) =>
        new(p.Id, Wire.Name(p.Role), p.Name, p.CreatedAt, Wire.Name(p.Status), p.SuspensionReason);

    private static PartyKeyResponse ToResponse(PartyKey k) => new(k.Prefix, k.IssuedAt, k.RevokedAt is not null, k.RevokedAt);
}
