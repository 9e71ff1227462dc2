using Microsoft.AspNetCore.Authorization;

namespace Marketplace.Host.Auth;

public static class Policies
{
    public const string Operator = "operator";
    public const string Provider = "provider";
    public const string Buyer = "buyer";
    public const string ProviderOrOperator = "provider-or-operator";

    /// <summary>A person whose data an information bank holds, acting for themself (their principal carries their subject id).</summary>
    public const string DataSubject = "data-subject";

    /// <summary>An information bank acting on its people's data (registration, notices, reviews, counts).</summary>
    public const string InformationBank = "information-bank";

    /// <summary>
    /// Open to anyone without a key, but a key that is sent must be valid: a mistyped or revoked key answers 401
    /// instead of quietly answering as anonymous (and showing less).
    /// </summary>
    public const string AnyoneOrValidKey = "anyone-or-valid-key";

    public static AuthorizationBuilder AddMarketplacePolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddPolicy(Operator, p => p.RequireRole(Roles.Operator))
            // An information bank is a provider that may also hold personal data.
            .AddPolicy(Provider, p => p.RequireRole(Roles.Provider, Roles.InformationBank))
            .AddPolicy(Buyer, p => p.RequireRole(Roles.Buyer))
            .AddPolicy(DataSubject, p => p.RequireRole(Roles.DataSubject).RequireClaim(ApiKeyAuthentication.SubjectClaim))
            .AddPolicy(InformationBank, p => p.RequireRole(Roles.InformationBank))
            .AddPolicy(ProviderOrOperator, p => p.RequireRole(Roles.Provider, Roles.InformationBank, Roles.Operator))
            .AddPolicy(AnyoneOrValidKey, p => p.RequireAssertion(c =>
                c.User.Identity?.IsAuthenticated == true || (c.Resource is HttpContext http && !http.Request.Headers.ContainsKey("Authorization"))));
    }
}
