using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Parties;

public sealed record CreatePartyRequest(string? Id, string? Role, string? Name);

public sealed record PartyResponse(string Id, string Role, string Name, DateTimeOffset CreatedAt);

public sealed record PartyWithKeyResponse(string Id, string Role, string Name, string ApiKey);

/// <summary>A page of parties; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record PartyListResponse(IReadOnlyList<PartyResponse> Items, string? Next);

public sealed record ApiKeyResponse(string PartyId, string ApiKey);

public static class PartyEndpoints
{
    public static IEndpointRouteBuilder MapPartyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/parties").WithTags("Parties");

        group.MapPost("/", CreateParty).WithName("CreateParty")
            .WithSummary("Register a provider, buyer or operator and issue its first API key (shown once).")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400).ProducesProblem(409);
        group.MapGet("/", ListParties).WithName("ListParties")
            .WithSummary("Every party (operator), in registration order, a page at a time (cursor, pageSize 1-200, default 50; follow 'next' or the Link header).")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400);
        group.MapGet("/me", Me).WithName("WhoAmI").WithSummary("The party the API key belongs to.")
            .RequireAuthorization();
        group.MapPost("/{id}/keys", IssueKey).WithName("IssueApiKey")
            .WithSummary("Issue another API key for a party (operator); the key is shown once.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(404);
        return app;
    }

    private static async Task<Created<PartyWithKeyResponse>> CreateParty(CreatePartyRequest request, IGrainFactory grains, ApiKeyIssuer keys)
    {
        var role = Wire.ParseEnum<PartyRole>(request.Role, "role");
        var id = string.IsNullOrWhiteSpace(request.Id) ? Identifiers.NewId(role.ToString().ToLowerInvariant()) : request.Id.Trim();
        Wire.EnsureSlug(id, "id");
        var profile = await grains.GetGrain<IPartyGrain>(id).Register(role, request.Name ?? "");
        var key = await keys.IssueAsync(new ApiPrincipal(id, role));
        return TypedResults.Created($"/api/v1/parties/{id}", new PartyWithKeyResponse(id, Wire.Name(role), profile.Name, key));
    }

    private static async Task<Ok<PartyListResponse>> ListParties(string? cursor, string? pageSize, HttpContext http, IPartyDirectory directory)
    {
        var request = ListPaging.Parse(cursor, pageSize);
        var page = await directory.ListAsync(request.After, request.PageSize, http.RequestAborted);
        return TypedResults.Ok(new PartyListResponse([.. page.Items.Select(ToResponse)], ListPaging.Next(http, page.Next)));
    }

    private static async Task<Ok<PartyResponse>> Me(HttpContext http, IGrainFactory grains)
    {
        var caller = http.User.Caller();
        var profile = await grains.GetGrain<IPartyGrain>(caller.PartyId).GetProfile()
            ?? throw new DomainException(ErrorCodes.PartyNotFound, "The party of this key no longer exists.");
        return TypedResults.Ok(ToResponse(profile));
    }

    private static async Task<Created<ApiKeyResponse>> IssueKey(string id, IGrainFactory grains, ApiKeyIssuer keys)
    {
        var profile = await grains.GetGrain<IPartyGrain>(id).GetProfile()
            ?? throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{id}'.");
        var key = await keys.IssueAsync(new ApiPrincipal(id, profile.Role));
        return TypedResults.Created($"/api/v1/parties/{id}", new ApiKeyResponse(id, key));
    }

    private static PartyResponse ToResponse(PartyEntry p) => new(p.PartyId,
        Enum.TryParse<PartyRole>(p.Role, out var role) ? Wire.Name(role) : p.Role.ToLowerInvariant(), p.Name, p.CreatedAt);

    private static PartyResponse ToResponse(PartyProfile p) => new(p.Id, Wire.Name(p.Role), p.Name, p.CreatedAt);
}
