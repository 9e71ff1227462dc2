using System.Net;

namespace Marketplace.Host.Tests.Web;

/// <summary>A buyer's certifications page lists what is declared now, also beside a refused form that keeps what was typed.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class CertificationsPageTests(MarketplaceFixture fixture)
{
    [Fact]
    public async Task The_page_lists_each_declared_certification()
    {
        var (_, browser) = await PageSession.ForNewPartyAsync(fixture, "buyer");
        await browser.PostFormAsync("/console/certifications", "certifications", new Dictionary<string, string> { ["Lines"] = "Privacy Mark\r\nISMS\r\n" });

        var html = await browser.Client.GetStringAsync("/console/certifications");

        var list = html[html.IndexOf("<ul class=\"declared-certifications\">", StringComparison.Ordinal)..];
        Assert.Equal(["Privacy Mark", "ISMS"], System.Text.RegularExpressions.Regex.Matches(list[..list.IndexOf("</ul>", StringComparison.Ordinal)], "<li>([^<]*)</li>").Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task A_refused_declaration_keeps_what_was_typed_and_lists_what_is_still_declared()
    {
        var (_, browser) = await PageSession.ForNewPartyAsync(fixture, "buyer");
        await browser.PostFormAsync("/console/certifications", "certifications", new Dictionary<string, string> { ["Lines"] = "Privacy Mark" });
        var tooLong = new string('9', 101);

        var response = await browser.PostFormAsync("/console/certifications", "certifications", new Dictionary<string, string> { ["Lines"] = "ISMS\n" + tooLong });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("認証を保存できませんでした：", html, StringComparison.Ordinal);
        Assert.Contains("name a certification in at most 100", html, StringComparison.Ordinal);
        Assert.Contains($">ISMS\n{tooLong}</textarea>", html, StringComparison.Ordinal);
        Assert.Contains("<li>Privacy Mark</li>", html, StringComparison.Ordinal);
    }
}
