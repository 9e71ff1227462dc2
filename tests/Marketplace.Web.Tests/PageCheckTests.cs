using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>The page checks themselves catch what they are for, on pages made to fail them (served by the browser).</summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class PageCheckTests(WebMarketplaceFixture fixture)
{
    private const string Sound = """<main><h1>Sound</h1><p>A page that passes.</p></main>""";

    private async Task<IReadOnlyList<string>> ProblemsOfAsync(string body, int width = Visitor.Desktop)
    {
        await using var visitor = await fixture.VisitAsync();
        await visitor.Context.RouteAsync("**/harness/page", route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "text/html; charset=utf-8",
            Body = $"<!DOCTYPE html><html lang=\"en\"><head><meta name=\"viewport\" content=\"width=device-width\"><title>Harness</title></head><body>{body}</body></html>",
        }));
        await visitor.OpenPageAsync("/harness/page");
        return await visitor.InspectAsync(width);
    }

    [Fact]
    public async Task A_sound_page_has_no_problems()
    {
        Assert.Empty(await ProblemsOfAsync(Sound));
        Assert.Empty(await ProblemsOfAsync(Sound, Visitor.Narrow));
    }

    [Fact]
    public async Task A_console_error_is_a_problem()
    {
        var problems = await ProblemsOfAsync(Sound + "<script>console.error('boom')</script>");
        Assert.Contains(problems, p => p.StartsWith("console error: boom", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_subresource_answering_404_is_a_problem()
    {
        var problems = await ProblemsOfAsync(Sound + "<img src=\"/no-such-image.png\" alt=\"missing\">");
        Assert.Contains(problems, p => p.StartsWith("request answered 404: GET ", StringComparison.Ordinal) && p.EndsWith("/no-such-image.png", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_that_never_answers_is_a_problem()
    {
        var problems = await ProblemsOfAsync(Sound + "<img src=\"http://127.0.0.1:9/unreachable.png\" alt=\"unreachable\">");
        Assert.Contains(problems, p => p.StartsWith("request failed: GET http://127.0.0.1:9/unreachable.png", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_field_without_a_label_is_a_critical_accessibility_problem()
    {
        var problems = await ProblemsOfAsync("<main><h1>Form</h1><form><input type=\"text\" name=\"q\"></form></main>");
        Assert.Contains(problems, p => p.StartsWith("accessibility (critical) at 1280 px: label:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_page_wider_than_390_px_scrolls_horizontally()
    {
        var wide = Sound + "<div style=\"width:600px\">wide</div>";
        Assert.DoesNotContain(await ProblemsOfAsync(wide), p => p.StartsWith("scrolls", StringComparison.Ordinal));
        Assert.Contains(await ProblemsOfAsync(wide, Visitor.Narrow), p => p.StartsWith("scrolls horizontally at 390 px", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_declared_404_page_is_not_a_failed_request_but_its_subresources_still_are()
    {
        await using var visitor = await fixture.VisitAsync();
        var url = fixture.BaseUrl + "/no-such-page-" + Guid.NewGuid().ToString("N");
        visitor.Expect(url, 404);
        Assert.Equal(404, await visitor.OpenPageAsync(url));
        await visitor.Page.EvaluateAsync("() => fetch('/no-such-data.json')");
        var problems = visitor.TakeProblems();
        Assert.Contains("request answered 404: GET " + fixture.BaseUrl + "/no-such-data.json", problems);
        Assert.DoesNotContain(problems, p => p.StartsWith("request answered 404: GET " + url, StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.StartsWith("console error: Failed to load resource", StringComparison.Ordinal) && p.Contains(url, StringComparison.Ordinal));
    }
}
