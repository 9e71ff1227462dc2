using System.Security.Claims;
using Marketplace.Application.People;
using Marketplace.Grains;
using Marketplace.Host.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace Marketplace.Host.Auth;

/// <summary>
/// People sign in to the pages with a session cookie; machines use API keys on the API. The two never mix: a
/// request to the API is authenticated by its key alone (a cookie there would make every API call forgeable
/// from another site), a page by its cookie alone. The cookie's principal carries the same party and role
/// claims as a key's, so the role policies and <see cref="PrincipalExtensions.Caller"/> serve both.
/// </summary>
public static class PersonCookie
{
    public const string SchemeName = "Person";

    /// <summary>The default scheme: forwards to the cookie for pages and to the API key for everything else.</summary>
    public const string SelectorScheme = "PageOrApi";

    public const string PersonClaim = "person";
    public const string StampClaim = "stamp";

    /// <summary>A working day; each page visit extends it (sliding), so an idle session ends within eight hours.</summary>
    public static readonly TimeSpan SessionLength = TimeSpan.FromHours(8);

    public static AuthenticationBuilder AddPersonCookie(this AuthenticationBuilder builder, bool https)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddPolicyScheme(SelectorScheme, "Cookie for pages, API key for the API", o =>
                o.ForwardDefaultSelector = http => WebPages.IsPageRequest(http) ? SchemeName : ApiKeyAuthentication.SchemeName)
            .AddCookie(SchemeName, o =>
            {
                // "__Host-" binds the cookie to this host and path "/" and requires Secure, so only over HTTPS.
                o.Cookie.Name = https ? "__Host-marketplace-session" : "marketplace-session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.Cookie.IsEssential = true;
                o.ExpireTimeSpan = SessionLength;
                o.SlidingExpiration = true;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/forbidden";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnValidatePrincipal = ValidateAsync;
            });
    }

    /// <summary>
    /// Keys that encrypt the session cookie and the forms' antiforgery tokens, kept in the data directory so a
    /// restart signs nobody out (and a form opened before it still posts).
    /// </summary>
    public static IServiceCollection AddPersistedDataProtection(this IServiceCollection services, string dataDirectory)
    {
        services.AddDataProtection()
            .SetApplicationName("marketplace")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "data-protection-keys")));
        return services;
    }

    /// <summary>Data-protection keys in a key folder every host reads (a cluster's shared store).</summary>
    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services, Func<IServiceProvider, Marketplace.Storage.IKeyFolder> folder)
    {
        services.AddDataProtection().SetApplicationName("marketplace");
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<IServiceProvider>((o, sp) => o.XmlRepository = new Cluster.KeyFolderXmlRepository(folder(sp)));
        return services;
    }

    public static ClaimsPrincipal PrincipalOf(PersonSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var identity = new ClaimsIdentity(
            [
                .. ApiKeyAuthentication.ClaimsOf(session.Principal),
                new Claim(PersonClaim, session.SignIn),
                new Claim(ClaimTypes.Name, session.DisplayName),
                new Claim(StampClaim, session.SecurityStamp),
            ],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The signed-in person's sign-in name, or null for a visitor (or a request with an API key).</summary>
    public static string? SignInOf(ClaimsPrincipal user) => user?.FindFirstValue(PersonClaim);

    /// <summary>
    /// On every page: the session is still the person's (same password, not disabled, party not suspended), and
    /// its role and name are the current ones. A session that ended is signed out at once, not at its expiry.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal;
        var signIn = user?.FindFirstValue(PersonClaim);
        var stamp = user?.FindFirstValue(StampClaim);
        var session = signIn is null || stamp is null
            ? null
            : await context.HttpContext.RequestServices.GetRequiredService<PersonSignIn>().CheckSessionAsync(signIn, stamp);
        if (session is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SchemeName);
            return;
        }
        if (user!.FindFirstValue(ClaimTypes.Name) != session.DisplayName)
        {
            context.ReplacePrincipal(PrincipalOf(session));
            context.ShouldRenew = true;
        }
    }
}
