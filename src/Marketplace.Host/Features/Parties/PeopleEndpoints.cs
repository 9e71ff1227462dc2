using Marketplace.Application.People;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Parties;

public sealed record EnrolPersonRequest(string? SignIn, string? DisplayName);

/// <summary>A person as their party lists them: never a password or its hash.</summary>
public sealed record PersonResponse(string SignIn, string DisplayName, DateTimeOffset AddedAt, bool Disabled);

public sealed record PersonListResponse(IReadOnlyList<PersonResponse> Items);

/// <summary>A person with the one-time password to hand over; shown once.</summary>
public sealed record PersonWithPasswordResponse(string PartyId, string SignIn, string DisplayName, string OneTimePassword);

/// <summary>People who sign in to the web front end for a party: the operator enrols them; keys stay for machines.</summary>
public static class PeopleEndpoints
{
    public static IEndpointRouteBuilder MapPeopleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/parties/{id}/people").WithTags("Parties");
        group.MapPost("/", Enrol).WithName("EnrolPerson")
            .WithSummary("Enrol a person who signs in for the party (operator); answers a one-time password, shown once.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).WithMetadata(new NoStore());
        group.MapGet("/", List).WithName("ListPeople")
            .WithSummary("The people who sign in for a party (operator, or the party itself).")
            .RequireAuthorization().ProducesProblem(404).WithMetadata(new NoStore());
        group.MapPost("/{signIn}/reset-password", ResetPassword).WithName("ResetPersonPassword")
            .WithSummary("Replace a person's password with a one-time password, shown once (operator); unlocks and signs out every session.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400).ProducesProblem(404).WithMetadata(new NoStore());
        group.MapPost("/{signIn}/disable", (string id, string signIn, PeopleAdministration people) => SetDisabled(id, signIn, true, people))
            .WithName("DisablePerson").WithSummary("Stop a person from signing in (operator); their sessions end at once.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400).ProducesProblem(404);
        group.MapPost("/{signIn}/enable", (string id, string signIn, PeopleAdministration people) => SetDisabled(id, signIn, false, people))
            .WithName("EnablePerson").WithSummary("Let a disabled person sign in again (operator).")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    private static async Task<Created<PersonWithPasswordResponse>> Enrol(string id, EnrolPersonRequest request, PeopleAdministration people)
    {
        var enrolled = await people.EnrolAsync(id, request.SignIn, request.DisplayName);
        return TypedResults.Created($"/api/v1/parties/{id}/people/{Uri.EscapeDataString(enrolled.Person.SignIn)}", ToResponse(enrolled));
    }

    private static async Task<Ok<PersonListResponse>> List(string id, HttpContext http, PeopleAdministration people)
    {
        var caller = http.User.Caller();
        if (caller.Role != PartyRole.Operator && caller.PartyId != id)
        {
            // Another party's people are none of the caller's business: the same answer as an unknown party.
            throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{id}'.");
        }
        var listed = await people.ListAsync(id);
        return TypedResults.Ok(new PersonListResponse([.. listed.Select(ToResponse)]));
    }

    private static async Task<Ok<PersonWithPasswordResponse>> ResetPassword(string id, string signIn, PeopleAdministration people) =>
        TypedResults.Ok(ToResponse(await people.ResetPasswordAsync(id, signIn)));

    private static async Task<Ok<PersonResponse>> SetDisabled(string id, string signIn, bool disabled, PeopleAdministration people) =>
        TypedResults.Ok(ToResponse(await people.SetDisabledAsync(id, signIn, disabled)));

    private static PersonResponse ToResponse(PartyPerson p) => new(p.SignIn, p.DisplayName, p.AddedAt, p.Disabled);

    private static PersonWithPasswordResponse ToResponse(PersonWithPassword p) =>
        new(p.PartyId, p.Person.SignIn, p.Person.DisplayName, p.OneTimePassword);
}
