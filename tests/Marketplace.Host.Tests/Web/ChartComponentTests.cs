using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Marketplace.Host.Web.Charts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The server-rendered SVG charts, rendered to HTML without a browser: their scale, empty and one-point data,
/// values near <see cref="long.MaxValue"/>, escaping, and what assistive technology and a reader of the table get.
/// </summary>
public sealed partial class ChartComponentTests
{
    private static readonly DateOnly November1 = new(2026, 11, 1);

    // The daily chart's plot: 350 wide from x = 44, 180 high from y = 10.
    private const double PlotHeight = 180;

    [Fact]
    public async Task The_highest_day_reaches_the_top_of_a_rounded_axis_and_others_scale_with_it()
    {
        var html = await Daily([0, 50, 100]);

        Assert.Equal(["90", "180"], Bars(html).Select(b => b.Height));
        Assert.Equal(["0", "50", "100"], AxisLabels(html));
    }

    [Fact]
    public async Task A_highest_day_between_ticks_stands_below_the_next_tick()
    {
        var html = await Daily([70]);

        // 70 on an axis of 0, 20, 40, 60, 80: seven eighths of the plot.
        Assert.Equal(Coordinate(PlotHeight * 70 / 80), Bars(html).Single().Height);
    }

    [Fact]
    public async Task An_empty_daily_chart_says_so_and_draws_no_bar_and_no_table()
    {
        var html = await Daily([], "ja");

        Assert.Empty(Bars(html));
        Assert.DoesNotContain("<table", html, StringComparison.Ordinal);
        Assert.Contains("この期間のデータはありません。", Decode(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_all_zero_range_draws_no_bar_and_keeps_an_axis_from_zero_to_one()
    {
        var html = await Daily([0, 0, 0]);

        Assert.Empty(Bars(html));
        Assert.Equal(["0", "1"], AxisLabels(html));
    }

    [Fact]
    public async Task One_day_fills_the_plot_width_and_height()
    {
        var html = await Daily([8]);

        var bar = Bars(html).Single();
        Assert.Equal(("79", "10", "280", "180"), (bar.X, bar.Y, bar.Width, bar.Height));
    }

    [Fact]
    public async Task Huge_values_neither_overflow_nor_put_NaN_or_infinity_into_the_svg()
    {
        var html = await Daily([long.MaxValue / 2, long.MaxValue, 1]);
        var bars = await Render<BarChart>("en", new()
        {
            [nameof(BarChart.Id)] = "huge",
            [nameof(BarChart.Title)] = "Huge",
            [nameof(BarChart.ValueHeader)] = "Units",
            [nameof(BarChart.Bars)] = new List<ChartBar> { new("a", long.MaxValue), new("b", long.MaxValue / 2), new("c", 0) },
        });

        foreach (var svg in new[] { html, bars })
        {
            Assert.DoesNotMatch("NaN|Infinity|∞|E\\+", svg);
            Assert.All(Regex.Matches(svg, "\\s(?:x|y|width|height)=\"([^\"%]*)\"").Select(m => m.Groups[1].Value),
                v => Assert.InRange(double.Parse(v, CultureInfo.InvariantCulture), 0, 400));
        }
        Assert.Contains("9,223,372,036,854,775,807", Decode(html), StringComparison.Ordinal);
        Assert.Equal(Coordinate(PlotHeight * (double)(long.MaxValue / 1e19m)), Bars(html)[1].Height);
        Assert.Equal("10E", AxisLabels(html)[^1]);
    }

    [Fact]
    public async Task Daily_axis_labels_are_the_billing_days_and_the_table_lists_every_day_in_iso_form()
    {
        var html = await Daily([.. Enumerable.Repeat(1L, 30)]);

        Assert.Equal(["11-01", "11-07", "11-13", "11-19", "11-25"], DayLabels(html));
        var rows = Regex.Matches(html, "<tr><th scope=\"row\">([^<]*)</th>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(30, rows.Count);
        Assert.Equal(("2026-11-01", "2026-11-30"), (rows[0], rows[^1]));
    }

    [Fact]
    public async Task A_chart_is_an_image_named_by_its_visible_title_and_described_by_its_summary()
    {
        var html = await Daily([3, 9, 4]);

        Assert.Contains("<figcaption id=\"usage-title\" class=\"chart-title\">Usage per day</figcaption>", html, StringComparison.Ordinal);
        Assert.Matches("<svg role=\"img\" aria-labelledby=\"usage-title\" aria-describedby=\"usage-desc\" viewBox=\"0 0 400 220\" width=\"100%\"", html);
        Assert.Contains("<title>Usage per day</title>", html, StringComparison.Ordinal);
        Assert.Contains("<desc id=\"usage-desc\">3 days from 2026-11-01 to 2026-11-03. Highest: 9 on 2026-11-02.</desc>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ja", "CSVをダウンロード")]
    [InlineData("en", "Download CSV")]
    public async Task A_chart_links_its_numbers_as_csv_when_given_a_url(string language, string text)
    {
        var html = await Daily([1], language, csv: "/numbers.csv?from=2026-11-01&to=2026-11-01");

        var link = Regex.Match(Decode(html, keepMarkup: true), "<a href=\"([^\"]*)\" download[^>]*>(.*?)</a>");
        Assert.Equal("/numbers.csv?from=2026-11-01&to=2026-11-01", WebUtility.HtmlDecode(link.Groups[1].Value));
        Assert.Equal($"{text}<span class=\"visually-hidden\">: Usage per day</span>", link.Groups[2].Value);
    }

    [Fact]
    public async Task A_chart_without_a_csv_url_has_no_download_link()
    {
        var html = await Daily([1]);

        Assert.DoesNotContain("download", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bar_labels_in_japanese_and_markup_are_escaped_and_long_ones_shortened_only_in_the_chart()
    {
        const string hostile = "<script>alert(1)</script> & 横浜市の停留所と時刻表とバス路線と運行状況";
        var html = await Render<BarChart>("ja", new()
        {
            [nameof(BarChart.Id)] = "top",
            [nameof(BarChart.Title)] = "上位のデータセット",
            [nameof(BarChart.ValueHeader)] = "単位数",
            [nameof(BarChart.Bars)] = new List<ChartBar> { new(hostile, 12_345), new("公園", 5) },
        });

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        var labels = Regex.Matches(html, "<text class=\"chart-label\"[^>]*>([^<]*)</text>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.Equal([ChartScale.Shorten(hostile, 24), "公園"], labels);
        Assert.EndsWith("…", labels[0], StringComparison.Ordinal);
        var rows = Regex.Matches(html, "<th scope=\"row\">([^<]*)</th>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value));
        Assert.Equal([hostile, "公園"], rows);
        Assert.Contains("12,345", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bars_are_as_long_as_their_share_of_the_largest()
    {
        var html = await Render<BarChart>("en", new()
        {
            [nameof(BarChart.Id)] = "classes",
            [nameof(BarChart.Title)] = "By class",
            [nameof(BarChart.ValueHeader)] = "Contracts",
            [nameof(BarChart.Bars)] = new List<ChartBar> { new("Public", 4), new("Private", 1), new("Personal", 0) },
        });

        var widths = Regex.Matches(html, "<rect class=\"chart-bar\"[^>]* width=\"([^\"]*)\"").Select(m => m.Groups[1].Value);
        Assert.Equal(["392", "98"], widths);
    }

    [Fact]
    public async Task A_bar_chart_formats_its_values_as_asked()
    {
        var html = await Render<BarChart>("ja", new()
        {
            [nameof(BarChart.Id)] = "earnings",
            [nameof(BarChart.Title)] = "収益",
            [nameof(BarChart.ValueHeader)] = "金額",
            [nameof(BarChart.Bars)] = new List<ChartBar> { new("オファリング", 30_000) },
            [nameof(BarChart.Format)] = (Func<long, string>)(v => Marketplace.Host.Web.Formats.Money(v, Marketplace.Domain.Currency.JPY)),
        });

        Assert.Contains("<td class=\"num\">¥30,000</td>", Decode(html, keepMarkup: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_bar_chart_says_so()
    {
        var html = await Render<BarChart>("en", new()
        {
            [nameof(BarChart.Id)] = "none",
            [nameof(BarChart.Title)] = "Nothing",
            [nameof(BarChart.ValueHeader)] = "Units",
            [nameof(BarChart.Bars)] = new List<ChartBar>(),
        });

        Assert.DoesNotContain("<rect class=\"chart-bar\"", html, StringComparison.Ordinal);
        Assert.Contains("<desc id=\"none-desc\">No data in this range.</desc>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, new[] { "0", "1" })]
    [InlineData(4L, new[] { "0", "1", "2", "3", "4" })]
    [InlineData(9L, new[] { "0", "5", "10" })]
    [InlineData(1_000_001L, new[] { "0", "500000", "1000000", "1500000" })]
    public void The_value_axis_steps_by_one_two_or_five_times_a_power_of_ten(long max, string[] expected) =>
        Assert.Equal(expected, ChartScale.Ticks(max).Select(t => t.ToString(CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(9_999, "9,999")]
    [InlineData(25_000, "25k")]
    [InlineData(2_500_000, "2.5M")]
    [InlineData(6_000_000_000_000_000_000, "6E")]
    public void Tick_labels_stay_short(long value, string expected) =>
        Assert.Equal(expected, ChartScale.Compact(value));

    private sealed record Bar(string X, string Y, string Width, string Height);

    private static List<Bar> Bars(string html) =>
        [.. BarPattern().Matches(html).Select(m => new Bar(m.Groups["x"].Value, m.Groups["y"].Value, m.Groups["w"].Value, m.Groups["h"].Value))];

    private static List<string> AxisLabels(string html) =>
        [.. Regex.Matches(html, "<text class=\"chart-axis\"[^>]*text-anchor=\"end\">([^<]*)</text>").Select(m => m.Groups[1].Value)];

    private static List<string> DayLabels(string html) =>
        [.. Regex.Matches(html, "<text class=\"chart-axis\"[^>]*text-anchor=\"middle\">([^<]*)</text>").Select(m => m.Groups[1].Value)];

    private static string Coordinate(double value) => ChartScale.Coordinate(value);

    private static Task<string> Daily(long[] values, string language = "en", string? csv = null) =>
        Render<DailyChart>(language, new()
        {
            [nameof(DailyChart.Id)] = "usage",
            [nameof(DailyChart.Title)] = "Usage per day",
            [nameof(DailyChart.ValueHeader)] = "Units",
            [nameof(DailyChart.Days)] = values.Select((v, i) => new ChartDay(November1.AddDays(i), v)).ToList(),
            [nameof(DailyChart.CsvUrl)] = csv,
        });

    internal static async Task<string> Render<TComponent>(string language, Dictionary<string, object?> parameters) where TComponent : IComponent
    {
        var services = new ServiceCollection().AddLogging().AddLocalization().BuildServiceProvider();
        await using var _ = services;
        return await RenderWith<TComponent>(services, language, parameters);
    }

    internal static async Task<string> RenderWith<TComponent>(IServiceProvider services, string language, Dictionary<string, object?> parameters) where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var culture = CultureInfo.GetCultureInfo(language);
        var (previous, previousUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, culture);
        try
        {
            return await renderer.Dispatcher.InvokeAsync(async () =>
                (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (previous, previousUi);
        }
    }

    /// <summary>Numeric character references decoded (the renderer's default encoder writes Japanese as them); with keepMarkup, only those.</summary>
    internal static string Decode(string html, bool keepMarkup = false) =>
        keepMarkup
            ? Regex.Replace(html, "&#x([0-9A-Fa-f]+);", m => char.ConvertFromUtf32(int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
            : WebUtility.HtmlDecode(html);

    [GeneratedRegex("<rect class=\"chart-bar\" x=\"(?<x>[^\"]*)\" y=\"(?<y>[^\"]*)\" width=\"(?<w>[^\"]*)\" height=\"(?<h>[^\"]*)\"")]
    private static partial Regex BarPattern();
}
