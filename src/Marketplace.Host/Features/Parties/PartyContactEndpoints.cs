using Marketplace.Application.Parties;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Parties;

/// <param name="Email">The address to publish; null or "" removes it.</param>
public sealed record PartyContactRequest(string? Email);

public sealed record PartyContactResponse(string PartyId, string? Email);

/// <summary>The contact address a party publishes in the open-data catalog (its datasets' dcat:contactPoint).</summary>
public static class PartyContactEndpoints
{
    public static IEndpointRouteBuilder MapPartyContactEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v1/parties/{id}/contact", SetContact).WithTags("Parties").WithName("SetPartyContact")
            .WithSummary("The email address a party publishes as the contact point of its datasets in the open-data catalog (the party itself or the operator); null or \"\" removes it.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    private static async Task<Ok<PartyContactResponse>> SetContact(string id, PartyContactRequest? request, HttpContext http, PartyContacts contacts)
    {
        var profile = await contacts.SetEmailAsync(http.User.Caller(), id, request?.Email);
        return TypedResults.Ok(new PartyContactResponse(profile.Id, profile.ContactEmail));
    }
}
