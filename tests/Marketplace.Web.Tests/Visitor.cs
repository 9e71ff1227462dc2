using System.Collections.Concurrent;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// A person at a browser: one browser context and its page. From the moment it opens it records what a page
/// must never do — write an error to the console, throw, or fail a request (a network failure or a 4xx/5xx
/// answer) — except the one document answer a test declares with <see cref="Expect"/> (a deliberate 404 page).
/// </summary>
public sealed class Visitor : IAsyncDisposable
{
    public const int Desktop = 1280;
    public const int Narrow = 390;

    /// <summary>
    /// axe's full results, but with nodes listed for violations only: a page's passing nodes are many and only the
    /// violations are read (axe's documented option for speed; every rule still runs).
    /// </summary>
    private static readonly AxeRunOptions ViolationsOnly = new() { ResultTypes = [ResultType.Violations] };

    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentDictionary<string, int> _expected = new(StringComparer.Ordinal);

    private Visitor(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public static async Task<Visitor> OpenAsync(IBrowser browser, string baseUrl, string locale, IEnumerable<Cookie>? cookies = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = baseUrl,
            Locale = locale,
            ViewportSize = new() { Width = Desktop, Height = 800 },
        });
        if (cookies is not null)
        {
            await context.AddCookiesAsync(cookies);
        }
        context.SetDefaultTimeout(10_000); // a page that has not answered in 10 s has failed
        var page = await context.NewPageAsync();
        var visitor = new Visitor(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !visitor.IsExpectedLoadFailure(message))
            {
                visitor._problems.Enqueue($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => visitor._problems.Enqueue($"uncaught script error: {error}");
        page.RequestFailed += (_, request) => visitor._problems.Enqueue($"request failed: {request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !(visitor._expected.TryGetValue(response.Url, out var status) && status == response.Status))
            {
                visitor._problems.Enqueue($"request answered {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
        return visitor;
    }

    /// <summary>Declares that the page at <paramref name="url"/> answers <paramref name="status"/> on purpose.</summary>
    public void Expect(string url, int status) => _expected[url] = status;

    /// <summary>Navigates and answers the document's status.</summary>
    public async Task<int> OpenPageAsync(string pathAndQuery)
    {
        var response = await Page.GotoAsync(pathAndQuery);
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return response?.Status ?? 0;
    }

    /// <summary>Clicks <paramref name="link"/> (or a form's button) and waits for the page it leads to.</summary>
    public static async Task FollowAsync(IPage page, ILocator link, string expectedInUrl)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(link);
        await link.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains(expectedInUrl, StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Signs in on the sign-in page, as a person types it, and waits for the console it lands on.</summary>
    public async Task SignInAsync(string signIn, string password)
    {
        await OpenPageAsync("/signin");
        await Page.Locator("#signin-name").FillAsync(signIn);
        await Page.Locator("#signin-password").FillAsync(password);
        await Page.Locator("form.stacked-form button[type=submit]").ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("/console/", StringComparison.Ordinal));
    }

    /// <summary>Everything recorded so far, then emptied.</summary>
    public IReadOnlyList<string> TakeProblems()
    {
        var taken = new List<string>();
        while (_problems.TryDequeue(out var problem))
        {
            taken.Add(problem);
        }
        return taken;
    }

    /// <summary>
    /// The page as it is now, at <paramref name="width"/>: serious or critical accessibility violations, horizontal
    /// scrolling (at the narrow width), and whatever was recorded since the last call.
    /// </summary>
    public async Task<IReadOnlyList<string>> InspectAsync(int width)
    {
        await Page.SetViewportSizeAsync(width, width == Desktop ? 800 : 844);
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var problems = new List<string>();
        var axe = await Page.RunAxe(ViolationsOnly);
        foreach (var violation in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            problems.Add($"accessibility ({violation.Impact}) at {width} px: {violation.Id}: {violation.Help}; " +
                string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html)));
        }
        if (width <= Narrow)
        {
            var widths = await Page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
            if (widths[0] > widths[1])
            {
                problems.Add($"scrolls horizontally at {width} px: the page is {widths[0]} px wide");
            }
        }
        problems.AddRange(TakeProblems());
        return problems;
    }

    private bool IsExpectedLoadFailure(IConsoleMessage message) =>
        message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)
        && _expected.ContainsKey(StripPosition(message.Location));

    /// <summary>Console locations read "url:line:column".</summary>
    private static string StripPosition(string location)
    {
        var end = location.Length;
        for (var i = 0; i < 2; i++)
        {
            var colon = location.LastIndexOf(':', end - 1);
            if (colon <= 0 || !location.AsSpan(colon + 1, end - colon - 1).ToString().All(char.IsAsciiDigit))
            {
                break;
            }
            end = colon;
        }
        return location[..end];
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
