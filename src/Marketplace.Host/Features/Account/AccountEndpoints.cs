using Marketplace.Host.Auth;
using Marketplace.Host.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Host.Features.Account;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post (with its antiforgery token, checked because the handler reads the form): signing out by a
        // link would let any other site sign a person out.
        app.MapPost("/signout", SignOut).WithName("SignOut").ExcludeFromDescription();
        app.MapGet("/console", (HttpContext http) => TypedResults.LocalRedirect(ConsolePaths.For(http.User.Caller().Role)))
            .WithName("Console").ExcludeFromDescription().RequireAuthorization();
        return app;
    }

    private static async Task<IResult> SignOut(HttpContext http, [FromForm] string? returnUrl)
    {
        await http.SignOutAsync(PersonCookie.SchemeName);
        return TypedResults.LocalRedirect(WebPages.IsLocal(returnUrl) && !returnUrl!.StartsWith("/console", StringComparison.Ordinal) ? returnUrl : "/");
    }
}
