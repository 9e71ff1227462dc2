using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// The checks every page a test visits must pass. The visitor's own page must have caused no console error and
/// no failed request; then the same address is opened afresh in English and in Japanese (the visitor's cookies,
/// with the language cookie set) and, at 1280×800 and at 390 px, shows no serious or critical accessibility
/// violation and (at 390 px) no horizontal scrolling, and the Japanese page's language switch leads back to the same address in English. Screenshots of the four go to artifacts/screenshots.
/// </summary>
public sealed class PageChecks(WebMarketplaceFixture fixture)
{
    /// <summary>ASP.NET Core's request-culture cookie; its value names the culture and the UI culture.</summary>
    public const string CultureCookie = ".AspNetCore.Culture";

    public static readonly string[] Languages = ["en", "ja"];

    public async Task AssertSoundAsync(Visitor visitor, string name, int expectedStatus = 200)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        await visitor.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var problems = visitor.TakeProblems().Select(p => $"[{name}, as visited] {p}").ToList();
        var url = visitor.Page.Url;
        var cookies = (await visitor.Context.CookiesAsync()).Where(c => c.Name != CultureCookie).ToList();
        if (!fixture.CheckedPages.TryAdd(url + " " + string.Join(';', cookies.Select(c => $"{c.Name}={c.Value}").Order(StringComparer.Ordinal)), name))
        {
            Assert.True(problems.Count == 0, $"{url}:\n" + string.Join('\n', problems));
            return;
        }
        // Both languages at once: two contexts of the one browser.
        foreach (var found in await Task.WhenAll(Languages.Select(language => InspectInAsync(language, name, url, expectedStatus, cookies))))
        {
            problems.AddRange(found);
        }
        Assert.True(problems.Count == 0, $"{url}:\n" + string.Join('\n', problems));
    }

    private async Task<List<string>> InspectInAsync(string language, string name, string url, int expectedStatus, List<BrowserContextCookiesResult> cookies)
    {
        var problems = new List<string>();
        await using var fresh = await Visitor.OpenAsync(fixture.Browser, fixture.BaseUrl, language == "ja" ? "ja-JP" : "en-US",
            [.. cookies.Select(Copy), new Cookie { Name = CultureCookie, Value = $"c={language}|uic={language}", Url = fixture.BaseUrl }]);
        fresh.Expect(url, expectedStatus);
        var status = await fresh.OpenPageAsync(url);
        if (status != expectedStatus)
        {
            problems.Add($"[{name}, {language}] {url} answered {status}, expected {expectedStatus}");
        }
        var lang = await fresh.Page.GetAttributeAsync("html", "lang");
        if (lang is null || !lang.StartsWith(language, StringComparison.Ordinal))
        {
            problems.Add($"[{name}, {language}] <html lang> is \"{lang}\"");
        }
        foreach (var width in new[] { Visitor.Desktop, Visitor.Narrow })
        {
            problems.AddRange((await fresh.InspectAsync(width)).Select(p => $"[{name}, {language}] {p}"));
            await fresh.Page.ScreenshotAsync(new()
            {
                Path = Path.Combine(fixture.Screenshots, $"{name}.{language}.{(width == Visitor.Desktop ? "desktop" : "390")}.png"),
                FullPage = true,
            });
        }
        if (language == "ja")
        {
            problems.AddRange(await SwitchToEnglishAsync(fresh, name, url));
        }
        return problems;
    }

    /// <summary>The language switch on the page leads back to the same address, now in English.</summary>
    private static async Task<List<string>> SwitchToEnglishAsync(Visitor visitor, string name, string url)
    {
        var problems = new List<string>();
        await visitor.Page.Locator("nav.language-switch a[hreflang=en]").ClickAsync();
        await visitor.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // A fragment never reaches the server, so the switch cannot keep it; the address itself must come back.
        static string WithoutFragment(string address) => address.Split('#')[0];
        if (WithoutFragment(visitor.Page.Url) != WithoutFragment(url))
        {
            problems.Add($"[{name}] the language switch led to {visitor.Page.Url}, not back to {url}");
        }
        var lang = await visitor.Page.GetAttributeAsync("html", "lang");
        if (lang is null || !lang.StartsWith("en", StringComparison.Ordinal))
        {
            problems.Add($"[{name}] after switching to English, <html lang> is \"{lang}\"");
        }
        problems.AddRange(visitor.TakeProblems().Select(p => $"[{name}, switching language] {p}"));
        return problems;
    }

    private static Cookie Copy(BrowserContextCookiesResult c) => new()
    {
        Name = c.Name,
        Value = c.Value,
        Domain = c.Domain,
        Path = c.Path,
        Expires = c.Expires,
        HttpOnly = c.HttpOnly,
        Secure = c.Secure,
        SameSite = c.SameSite,
    };
}
