using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// The browser the tests drive: Debian's <c>chromium</c> package (Google Chrome on Windows), never a downloaded
/// Playwright build. When it is missing the tests fail and say what to install: they never skip.
/// </summary>
public static class Chromium
{
    /// <summary>Overrides where the browser is (any Chromium-based browser works).</summary>
    public const string PathVariable = "MARKETPLACE_CHROMIUM";

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured ? configured
        : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "Google", "Chrome", "Application", "chrome.exe")
        : "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        var path = ExecutablePath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {path}. Install it: `sudo apt-get install -y chromium` on Debian or Ubuntu " +
                $"(build.ps1 test does this itself when run as root), Google Chrome on Windows, or set {PathVariable} to a Chromium-based browser.");
        }
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = path,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }
}
