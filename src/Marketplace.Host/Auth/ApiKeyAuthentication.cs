using System.Security.Claims;
using System.Text.Encodings.Web;
using Marketplace.Grains;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Host.Auth;

public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache keys,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string PartyClaim = "party";
    public const string KeyClaim = "key";

    /// <summary>A data subject's id at their bank (the party claim names the bank); absent for parties.</summary>
    public const string SubjectClaim = "subject";

    /// <summary>The claims every principal carries, whichever way it signed in (key or cookie).</summary>
    internal static List<Claim> ClaimsOf(ApiPrincipal principal)
    {
        List<Claim> claims = [new Claim(PartyClaim, principal.PartyId), new Claim(ClaimTypes.Role, principal.Role.ToString())];
        if (principal.SubjectId is { } subject)
        {
            claims.Add(new Claim(SubjectClaim, subject));
        }
        return claims;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || !ApiKeyIssuer.TryParseKey(header["Bearer ".Length..].Trim(), out var prefix, out var hash))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer mk_...' with a marketplace API key.");
        }
        var ticket = await keys.VerifyAsync(prefix, hash);
        return ticket is null
            ? AuthenticateResult.Fail("The API key is not valid (unknown, revoked, mistyped, or its party is suspended).")
            : AuthenticateResult.Success(ticket);
    }

    internal static AuthenticationTicket TicketFor(ApiPrincipal principal, string keyPrefix)
    {
        var identity = new ClaimsIdentity(
            [.. ClaimsOf(principal), new Claim(KeyClaim, keyPrefix)],
            SchemeName, PartyClaim, ClaimTypes.Role);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status401Unauthorized, "Authentication required",
            "Send your API key as 'Authorization: Bearer mk_...'. An operator issues keys with POST /api/v1/parties/{id}/keys.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status403Forbidden, "Not allowed for your role",
            $"This endpoint is not open to {RoleOfCaller()} key.");

    private string RoleOfCaller() =>
        Enum.TryParse<PartyRole>(Context.User.FindFirstValue(ClaimTypes.Role), out var role)
            ? $"{(role is PartyRole.InformationBank or PartyRole.Operator ? "an" : "a")} {Wire.Name(role)}"
            : "this";

    private async Task WriteProblem(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

public static class Roles
{
    public const string Operator = nameof(PartyRole.Operator);
    public const string Provider = nameof(PartyRole.Provider);
    public const string Buyer = nameof(PartyRole.Buyer);
    public const string InformationBank = nameof(PartyRole.InformationBank);
    public const string DataSubject = nameof(PartyRole.DataSubject);
}

public static class PrincipalExtensions
{
    /// <summary>The calling party, or null for an anonymous caller (on the endpoints open to anyone).</summary>
    public static ApiPrincipal? CallerOrAnonymous(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(ApiKeyAuthentication.PartyClaim) is null ? null : user.Caller();
    }

    public static ApiPrincipal Caller(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var party = user.FindFirstValue(ApiKeyAuthentication.PartyClaim)
            ?? throw new InvalidOperationException("The endpoint was reached without an authenticated party.");
        return new ApiPrincipal(party, Enum.Parse<PartyRole>(user.FindFirstValue(ClaimTypes.Role)!), user.FindFirstValue(ApiKeyAuthentication.SubjectClaim));
    }
}
