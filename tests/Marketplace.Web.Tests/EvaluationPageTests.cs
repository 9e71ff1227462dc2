using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// The operator's evaluation page in the browser: every chart passes the page checks (accessibility, no
/// horizontal scrolling at 390 px, no console error or failed request) in both languages, and a chart's CSV
/// link answers its numbers. Until person sign-in lands, the operator's browser sends its API key with every request.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class EvaluationPageTests(WebMarketplaceFixture fixture)
{
    private const string Path = "/console/operator/evaluation";

    private async Task<Visitor> OperatorAsync(string language)
    {
        var visitor = await Visitor.OpenAsync(fixture.Browser, fixture.BaseUrl, language == "ja" ? "ja-JP" : "en-US",
            [new Cookie { Name = PageChecks.CultureCookie, Value = $"c={language}|uic={language}", Url = fixture.BaseUrl }]);
        await visitor.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Authorization"] = $"Bearer {fixture.Factory.OperatorKey}" });
        return visitor;
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public async Task The_evaluation_page_passes_the_page_checks_at_desktop_and_390_px(string language)
    {
        await using var visitor = await OperatorAsync(language);

        Assert.Equal(200, await visitor.OpenPageAsync(Path));
        var problems = new List<string>();
        foreach (var width in new[] { Visitor.Desktop, Visitor.Narrow })
        {
            problems.AddRange(await visitor.InspectAsync(width));
            await visitor.Page.ScreenshotAsync(new()
            {
                Path = System.IO.Path.Combine(fixture.Screenshots, $"evaluation.{language}.{(width == Visitor.Desktop ? "desktop" : "390")}.png"),
                FullPage = true,
            });
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(6, await visitor.Page.Locator("figure.chart svg[role=img]").CountAsync());
    }

    [Fact]
    public async Task The_operator_downloads_a_chart_s_numbers_as_csv()
    {
        await using var visitor = await OperatorAsync("en");
        Assert.Equal(200, await visitor.OpenPageAsync(Path));

        // The browser's own download request does not carry the context's extra Authorization header, so until
        // person sign-in lands the link is followed with the context's request API, which does.
        var href = await visitor.Page.Locator("#usage-per-day a[download]").GetAttributeAsync("href");
        var response = await visitor.Context.APIRequest.GetAsync(href!);

        Assert.Equal(200, response.Status);
        Assert.StartsWith("attachment; filename=evaluation-usage-per-day-", response.Headers["content-disposition"], StringComparison.Ordinal);
        Assert.StartsWith("day,public,private,personal,total\r\n", await response.TextAsync(), StringComparison.Ordinal);
    }
}
