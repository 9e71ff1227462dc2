using System.Globalization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.ResponseCompression;

namespace Marketplace.Host.Web;

/// <summary>
/// The server-rendered pages next to the API: Japanese first, then English (a cookie set by the language
/// switch, else Accept-Language, else Japanese), an HTML error and not-found page where the API answers
/// ProblemDetails, and one stylesheet served by the host.
/// </summary>
public static class WebPages
{
    public static readonly IReadOnlyList<CultureInfo> Cultures = [new("ja"), new("en")];

    /// <summary>Each language named in itself, as the switch shows it (not left to the ICU data of the machine).</summary>
    public static string NameOf(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return culture.TwoLetterISOLanguageName == "ja" ? "日本語" : "English";
    }

    /// <summary>A year: the choice of language is remembered, not tracked.</summary>
    private static readonly TimeSpan CultureCookieAge = TimeSpan.FromDays(365);

    public static IServiceCollection AddMarketplaceWeb(this IServiceCollection services)
    {
        services.AddLocalization();
        // Japanese text as characters, not as numeric character references: a third of the bytes.
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddRazorComponents();
        // Pages, and only pages, leave compressed (a catalog page: about a fifth of its bytes). The fastest levels:
        // they take most of the gain for little CPU. Over HTTPS too: a page's only secret, the antiforgery token of
        // a form, is a fresh encryption on every answer, which leaves BREACH nothing stable to guess at.
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = ["text/html"];
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            o.SupportedCultures = [.. Cultures];
            o.SupportedUICultures = [.. Cultures];
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>
    /// Whether a request is for a page rather than for the API, its reference or the health check: only pages
    /// are localized and answer errors in HTML; the rest keeps answering ProblemDetails.
    /// </summary>
    public static bool IsPageRequest(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return IsPagePath(http.Request.Path);
    }

    public static bool IsPagePath(PathString path) =>
        !(path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/scalar")
            || path.StartsWithSegments("/health") || path.StartsWithSegments("/webhooks") || path.StartsWithSegments("/.well-known")
            || Features.Catalog.DcatEndpoints.Serves(path));

    /// <summary>
    /// Inside the API's exception handler and status code pages: for page requests, the culture, and the error
    /// and not-found pages; the API's answers pass through to the ProblemDetails handlers outside.
    /// </summary>
    public static IApplicationBuilder UseMarketplaceWebErrors(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Outside the error pages, so that they leave compressed too; the API's answers (streamed downloads) never are.
        app.UseWhen(IsPageRequest, web => web.UseResponseCompression());
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.Use(static (http, next) =>
        {
            // The error page is rendered for a failed form post too: as a GET, or it would be a form post itself
            // (and fail again on the very antiforgery token that may have caused the error).
            if (http.Features.Get<IExceptionHandlerFeature>() is not null && http.Request.Path == "/error")
            {
                http.Request.Method = HttpMethods.Get;
            }
            return next(http);
        });
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use(static (http, next) =>
        {
            if (!IsPageRequest(http) && http.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }
            return next(http);
        });
        return app.UseWhen(IsPageRequest, web => web.UseRequestLocalization());
    }

    public static WebApplication MapMarketplaceWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(IsPageRequest, web => web.UseAntiforgery());
        app.MapStaticAssets();
        app.MapGet("/culture/{name}", ChooseCulture).WithName("ChooseCulture").ExcludeFromDescription();
        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>The language switch: remembers the choice in the culture cookie and returns to the page it was chosen on.</summary>
    private static IResult ChooseCulture(string name, string? returnUrl, HttpContext http)
    {
        var culture = Cultures.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (culture is null)
        {
            return TypedResults.NotFound();
        }
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions
            {
                MaxAge = CultureCookieAge,
                Path = "/",
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                SameSite = SameSiteMode.Lax,
                IsEssential = true,
            });
        return TypedResults.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    /// <summary>Only a path on this host: never "//elsewhere" or "/\elsewhere", which browsers read as another host.</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    /// <summary>The link that switches to <paramref name="culture"/> and comes back to <paramref name="here"/> (path and query).</summary>
    public static string SwitchLink(CultureInfo culture, string here)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return $"/culture/{culture.Name}?returnUrl={Uri.EscapeDataString(here)}";
    }
}
