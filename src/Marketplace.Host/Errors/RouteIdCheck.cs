using Marketplace.Domain;

namespace Marketplace.Host.Errors;

/// <summary>
/// One rule for every route: a route value that names a resource (<c>{id}</c>, <c>{revisionId}</c>, a key's
/// <c>{prefix}</c>, anything named <c>…Id</c>) must look like an id of this marketplace, a lower-case slug
/// (<see cref="Identifiers.IsValidSlug"/>): generated ids ("ctr-3kq7zd2m9xwa", "rev-…"), chosen ids and key
/// prefixes all are. Anything else (whitespace, NUL, 10,000 characters, unicode, "..") is answered 400 before it
/// reaches a grain key or a store, where it used to surface as a 500.
/// </summary>
public static class RouteIdCheck
{
    /// <summary>Runs after routing and authorization, so an anonymous caller still learns nothing but 401.</summary>
    public static IApplicationBuilder UseRouteIdCheck(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (Web.WebPages.IsPageRequest(context))
            {
                // A page answers its own not-found page for a malformed id (as for any id it cannot show).
                return next(context);
            }
            foreach (var (name, value) in context.Request.RouteValues)
            {
                if (NamesResource(name) && value is string id && !Identifiers.IsValidSlug(id))
                {
                    throw new DomainException(DomainErrorCode.InvalidField(name),
                        $"'{Shorten(id)}' is not a valid {name}: ids are 3 to 64 lower-case letters, digits and hyphens, starting with a letter or digit.");
                }
            }
            return next(context);
        });

    public static bool NamesResource(string routeValue)
    {
        ArgumentNullException.ThrowIfNull(routeValue);
        return routeValue.Equals("id", StringComparison.OrdinalIgnoreCase)
            || routeValue.Equals("prefix", StringComparison.OrdinalIgnoreCase)
            || routeValue.EndsWith("Id", StringComparison.Ordinal);
    }

    // The message must stay readable (and small) when someone sends a 10,000-character id.
    private static string Shorten(string id)
    {
        var printable = new string([.. id.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);
        return id.Length > 40 ? printable + "…" : printable;
    }
}
