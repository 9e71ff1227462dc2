namespace Marketplace.Web.Tests;

/// <summary>
/// The operator's evaluation page in the browser, signed in through the sign-in page: every chart passes the page
/// checks (accessibility, no horizontal scrolling at 390 px, no console error or failed request) in both
/// languages, and a chart's numbers download as CSV.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class EvaluationPageTests(WebMarketplaceFixture fixture)
{
    private const string Path = "/console/operator/evaluation";

    private readonly PageChecks _checks = new(fixture);

    private async Task<Visitor> OperatorAsync() => await fixture.SignInAsync(await fixture.Driver.CreatePartyAsync("operator"));

    [Fact]
    public async Task The_operator_opens_the_evaluation_page_and_downloads_a_chart_s_csv()
    {
        await using var visitor = await OperatorAsync();
        Assert.Equal(200, await visitor.OpenPageAsync(Path));
        Assert.Equal(6, await visitor.Page.Locator("figure.chart svg[role=img]").CountAsync());
        await _checks.AssertSoundAsync(visitor, "console-operator-evaluation");

        var download = await visitor.Page.RunAndWaitForDownloadAsync(() => visitor.Page.Locator("#usage-per-day a[download]").ClickAsync());

        Assert.StartsWith("evaluation-usage-per-day-", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.Null(await download.FailureAsync());
        Assert.StartsWith("day,public,private,personal,total\r\n", await File.ReadAllTextAsync(await download.PathAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_range_form_keeps_the_chosen_days_in_the_address()
    {
        await using var visitor = await OperatorAsync();
        Assert.Equal(200, await visitor.OpenPageAsync(Path));

        await visitor.Page.Locator("#from").FillAsync("2026-11-01");
        await visitor.Page.Locator("#to").FillAsync("2026-11-07");
        await visitor.Page.Locator("form.evaluation-range button[type=submit]").ClickAsync();
        await visitor.Page.WaitForURLAsync(url => url.Contains("from=2026-11-01", StringComparison.Ordinal));

        Assert.EndsWith($"{Path}?from=2026-11-01&to=2026-11-07", visitor.Page.Url, StringComparison.Ordinal);
        Assert.Equal(7, await visitor.Page.Locator("#downloads tbody tr").CountAsync());
    }
}
