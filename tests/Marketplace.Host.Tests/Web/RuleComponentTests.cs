using System.Globalization;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The components that hold rules, rendered to HTML without a browser or a host: the price in words, the usage
/// policy in sentences and the class badge, in Japanese and in English.
/// </summary>
public sealed class RuleComponentTests
{
    private static readonly Currency Yen = Currency.JPY;

    [Theory]
    [InlineData("ja", "無料")]
    [InlineData("en", "Free")]
    public async Task A_free_plan_reads_free(string language, string expected) =>
        Assert.Equal(expected, Text(await RenderPrice(PricingPlan.Free(Yen), language)));

    [Theory]
    [InlineData("ja", "月額 ¥30,000")]
    [InlineData("en", "¥30,000 per month")]
    public async Task A_flat_plan_reads_its_monthly_fee_in_yen_with_separators(string language, string expected) =>
        Assert.Equal(expected, Text(await RenderPrice(PricingPlan.Flat(new Money(30_000, Yen)), language)));

    [Theory]
    [InlineData("ja", "10件あたり ¥1")]
    [InlineData("en", "¥1 per 10 records")]
    public async Task A_per_unit_plan_reads_its_price_per_block(string language, string expected) =>
        Assert.Equal(expected, Text(await RenderPrice(PricingPlan.PerUnit(new Money(1, Yen), UsageUnit.Record, 10), language)));

    [Theory]
    [InlineData("ja", "1リクエストあたり ¥5")]
    [InlineData("en", "¥5 per request")]
    public async Task A_per_unit_plan_of_one_unit_names_the_unit_alone(string language, string expected) =>
        Assert.Equal(expected, Text(await RenderPrice(PricingPlan.PerUnit(new Money(5, Yen), UsageUnit.Request), language)));

    [Theory]
    [InlineData("ja", "毎月1,000件まで無料、その後 1件あたり ¥2（10,000件まで）、その後 1件あたり ¥1")]
    [InlineData("en", "First 1,000 records free each month, then ¥2 per record up to 10,000 records, then ¥1 per record")]
    public async Task A_tiered_plan_reads_its_free_units_and_each_step(string language, string expected)
    {
        var plan = PricingPlan.Tiered(Yen, UsageUnit.Record, 1_000, [new PriceTier(10_000, 2), new PriceTier(null, 1)]);

        Assert.Equal(expected, Text(await RenderPrice(plan, language)));
    }

    [Fact]
    public async Task A_price_in_dollars_keeps_its_cents()
    {
        var html = await RenderPrice(PricingPlan.Flat(new Money(1_234_50, Currency.USD)), "en");

        Assert.Equal("USD 1,234.50 per month", Text(html));
    }

    [Theory]
    [InlineData("ja", new[] { "次の目的に限り利用できます: research、public-service。", "契約期間は締結日から30日間です。", "1か月に1,000件まで利用できます。", "データを第三者に再配布することはできません。" })]
    [InlineData("en", new[] { "You may use the data only for these purposes: research, public-service.", "A contract lasts 30 days from the day it is signed.", "You may use up to 1,000 records each month.", "You may not pass the data on to others." })]
    public async Task A_policy_reads_as_one_sentence_per_term(string language, string[] expected)
    {
        var policy = new UsagePolicy(["research", "public-service"], EndsAt: null, TermDays: 30, MaxUnitsPerPeriod: 1_000, RedistributionProhibited: true);

        var sentences = Sentences(await RenderPolicy(policy, UsageUnit.Record, language));

        Assert.Equal(expected, sentences);
    }

    [Theory]
    [InlineData("ja", new[] { "利用目的に制限はありません。", "契約は利用者または提供者が終了するまで続きます。", "データを第三者に再配布できます。" })]
    [InlineData("en", new[] { "You may use the data for any purpose.", "Contracts run until you or the provider end them.", "You may pass the data on to others." })]
    public async Task An_open_policy_says_what_it_allows(string language, string[] expected) =>
        Assert.Equal(expected, Sentences(await RenderPolicy(UsagePolicy.Open, UsageUnit.Request, language)));

    [Fact]
    public async Task A_policy_end_date_is_the_date_in_the_billing_time_zone()
    {
        // 15:00 UTC on the 31st is already the 1st in Tokyo.
        var policy = UsagePolicy.Open with { EndsAt = new DateTimeOffset(2026, 12, 31, 15, 0, 0, TimeSpan.Zero) };

        var sentences = Sentences(await RenderPolicy(policy, UsageUnit.Request, "ja"));

        Assert.Contains("契約は遅くとも2027-01-01に終了します。", sentences);
    }

    [Theory]
    [InlineData(DatasetClass.Public, "ja", "badge-public", "公開データ")]
    [InlineData(DatasetClass.Private, "ja", "badge-private", "非公開データ")]
    [InlineData(DatasetClass.Personal, "ja", "badge-personal", "パーソナルデータ")]
    [InlineData(DatasetClass.Personal, "en", "badge-personal", "Personal data")]
    public async Task A_class_badge_names_the_class_and_carries_its_style(DatasetClass datasetClass, string language, string style, string name)
    {
        var html = await Render<ClassBadge>(language, new() { [nameof(ClassBadge.Class)] = datasetClass });

        Assert.StartsWith($"<span class=\"badge {style}\">", html.Trim(), StringComparison.Ordinal);
        Assert.Equal(name, Text(html));
    }

    private static Task<string> RenderPrice(PricingPlan plan, string language) =>
        Render<PriceInWords>(language, new() { [nameof(PriceInWords.Plan)] = plan });

    private static Task<string> RenderPolicy(UsagePolicy policy, UsageUnit unit, string language) =>
        Render<PolicySentences>(language, new() { [nameof(PolicySentences.Policy)] = policy, [nameof(PolicySentences.Unit)] = unit });

    internal static async Task<string> Render<TComponent>(string language, Dictionary<string, object?> parameters) where TComponent : IComponent
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddLocalization()
            .AddSingleton(new BillingCalendar(TimeProvider.System, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")))
            .BuildServiceProvider();
        await using var _ = services;
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

    private static string Text(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", "")).Trim();

    private static string[] Sentences(string html) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, "<li>(.*?)</li>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => Text(m.Groups[1].Value))];
}
