using Scalar.AspNetCore;

namespace Marketplace.Host.Http;

/// <summary>
/// The API reference page (Scalar at /scalar), titled as the product and served entirely from this host:
/// no web fonts, telemetry, AI agent, MCP or "open in" client buttons that reach outside services, and a
/// per-request nonce on its script tags so it runs under the Content-Security-Policy.
/// </summary>
public static class ApiReference
{
    public const string Title = "Minato Mirai Data Marketplace API";

    /// <summary>Links to Scalar's own sites (the "Powered by Scalar" footer); unquoted, so the page's JSON config holds it verbatim.</summary>
    public const string HiddenOutsideLinks = "a[href*=scalar] { display: none !important; }";

    public static void Configure(ScalarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.WithTitle(Title)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideClientButton()
            // The page's own "Powered by Scalar" footer links out; the CSP cannot stop a link, so it is hidden.
            .WithCustomCss(HiddenOutsideLinks)
            .WithNonce();
    }
}
