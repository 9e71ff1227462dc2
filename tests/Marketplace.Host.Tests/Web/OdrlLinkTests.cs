using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Host.Tests.Web;

/// <summary>An offering's page links its terms as the ODRL policy the API serves, in Japanese and in English.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OdrlLinkTests(MarketplaceFixture fixture)
{
    private HttpClient Anonymous() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    // Razor encodes the "+" of the media type in the attribute (&#x2B;), which a browser reads back as "+".
    private static string Link(string offeringId, string text) =>
        $"<a href=\"/api/v1/offerings/{offeringId}/policy.jsonld\" type=\"application/ld&#x2B;json\" data-enhance-nav=\"false\">{text}</a>";

    private static string Shown(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "<p class=\"odrl-link\">(.*?)</p>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

    [Fact]
    public async Task The_offering_page_links_its_odrl_policy_in_japanese()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 2);

        var html = await Anonymous().GetStringAsync($"/offerings/{listing.OfferingId}");

        Assert.Equal(Link(listing.OfferingId, "この条件のODRLポリシー（JSON-LD）"), Shown(html));
    }

    [Fact]
    public async Task The_offering_page_links_its_odrl_policy_in_english()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 2);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/offerings/{listing.OfferingId}");
        request.Headers.AcceptLanguage.ParseAdd("en");

        var html = await (await Anonymous().SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Equal(Link(listing.OfferingId, "These terms as an ODRL policy (JSON-LD)"), Shown(html));
    }

    [Fact]
    public async Task The_linked_policy_answers_the_same_visitor()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 2);

        var response = await Anonymous().GetAsync($"/api/v1/offerings/{listing.OfferingId}/policy.jsonld");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
