using Scalar.AspNetCore;

namespace Marketplace.Host.Http;

/// <summary>
/// Headers every answer carries: no content sniffing, a Content-Security-Policy strict enough for the coming
/// server-rendered pages (scripts and styles from this host only, no inline script, never framed), and
/// <c>Cache-Control: no-store</c> on anything personal: every answer to an authenticated request and every
/// endpoint marked <see cref="NoStore"/>. Any other page (HTML) is <c>private, no-cache</c>: it speaks the
/// visitor's language (a cookie) and is never kept by a shared cache, and the browser asks again each time.
/// Static assets keep the headers MapStaticAssets gives them (fingerprinted: a year, immutable).
/// </summary>
public static class ResponseHygiene
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The API reference page: its script tags carry a per-request nonce (no other inline script runs), and its
    /// components set inline styles, which is all this relaxes.
    /// </summary>
    public static string ApiReferencePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseResponseHygiene(this IApplicationBuilder app) => app.Use(static (http, next) =>
    {
        // A static callback with the context as its state: no closure is allocated per request.
        http.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = http.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var nonce) && nonce is string value
                ? ApiReferencePolicy(value)
                : ContentSecurityPolicy;
            if (http.User.Identity?.IsAuthenticated == true || http.GetEndpoint()?.Metadata.GetMetadata<NoStore>() is not null)
            {
                headers.CacheControl = "no-store";
            }
            else if (headers.CacheControl.Count == 0 && http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                headers.CacheControl = "private, no-cache";
            }
            return Task.CompletedTask;
        }, http);
        return next(http);
    });
}
