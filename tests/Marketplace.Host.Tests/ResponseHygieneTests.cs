using System.Net;
using System.Text.RegularExpressions;
using Marketplace.Host.Http;
using Microsoft.Extensions.Configuration;

namespace Marketplace.Host.Tests;

/// <summary>Headers on every answer, no-store on anything personal, and an API reference page served only from this host.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed partial class ResponseHygieneTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    [Theory]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/v1/parties/me")] // 401 problem
    [InlineData("/")] // the catalog page
    [InlineData("/no-such-page")] // 404
    public async Task Every_answer_forbids_sniffing_and_carries_the_content_security_policy(string path)
    {
        using var client = fixture.Factory.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal(ResponseHygiene.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public void The_content_security_policy_allows_no_inline_script_and_no_framing()
    {
        var directives = ResponseHygiene.ContentSecurityPolicy.Split("; ");

        Assert.Contains("default-src 'self'", directives);
        Assert.Contains("script-src 'self'", directives);
        Assert.Contains("frame-ancestors 'none'", directives);
        Assert.DoesNotContain("unsafe-inline", ResponseHygiene.ContentSecurityPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_pages_are_never_stored_by_caches()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var response = await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", Header(response, "Cache-Control"));
    }

    [Fact]
    public async Task An_answer_holding_a_new_api_key_is_never_stored()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");

        var response = await _driver.Operator.PostAsync($"/api/v1/parties/{buyer.Id}/keys", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", Header(response, "Cache-Control"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/no-such-page")]
    public async Task A_page_is_kept_by_no_shared_cache_and_asked_for_again_each_time(string path)
    {
        using var client = fixture.Factory.CreateClient();

        var response = await client.GetAsync(path);

        var cacheControl = response.Headers.CacheControl;
        Assert.True(cacheControl is { Private: true, NoCache: true, NoStore: false, Public: false }, $"Cache-Control: {cacheControl}");
    }

    [Fact]
    public async Task Anonymous_public_answers_may_be_cached()
    {
        using var client = fixture.Factory.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.False(response.Headers.Contains("Cache-Control") && Header(response, "Cache-Control") == "no-store");
    }

    [Fact]
    public async Task The_api_reference_is_titled_as_the_product()
    {
        var html = await (await fixture.Factory.CreateClient().GetAsync("/scalar/")).Content.ReadAsStringAsync();

        Assert.Contains($"<title>{ApiReference.Title}</title>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_reference_runs_only_scripts_from_this_host_under_a_per_request_nonce()
    {
        using var client = fixture.Factory.CreateClient();

        var response = await client.GetAsync("/scalar/");
        var html = await response.Content.ReadAsStringAsync();
        var policy = Header(response, "Content-Security-Policy");

        var nonce = Assert.Single(NonceInPolicy().Matches(policy)).Groups[1].Value;
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag, StringComparison.Ordinal));
        Assert.DoesNotContain("'unsafe-inline'", policy.Split("; ").Single(d => d.StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.NotEqual(nonce, NonceInPolicy().Match(Header(await client.GetAsync("/scalar/"), "Content-Security-Policy")).Groups[1].Value);
    }

    [Fact]
    public async Task The_api_reference_loads_its_assets_from_this_host_and_names_no_outside_service()
    {
        using var client = fixture.Factory.CreateClient();
        var html = await (await client.GetAsync("/scalar/")).Content.ReadAsStringAsync();

        var sources = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, src => Assert.False(Uri.TryCreate(src, UriKind.Absolute, out _), $"{src} is not on this host"));
        foreach (var src in sources)
        {
            var asset = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/scalar/"), src));
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }
        Assert.DoesNotMatch("https?://", html);
        Assert.Contains("\"hideClientButton\":true", html, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", html, StringComparison.Ordinal);
        Assert.Contains("\"agent\":{\"disabled\":true}", html, StringComparison.Ordinal);
        Assert.Contains("\"mcp\":{\"disabled\":true}", html, StringComparison.Ordinal);
        Assert.DoesNotContain("proxyUrl", html, StringComparison.Ordinal);
        Assert.Contains($"\"customCss\":\"{ApiReference.HiddenOutsideLinks}\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://0.0.0.0:8443", true)]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://127.0.0.1:5000;https://127.0.0.1:5001", true)]
    public void Hsts_is_on_only_when_https_is_configured(string urls, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build();

        Assert.Equal(expected, MarketplaceApp.HttpsConfigured(configuration));
    }

    [Fact]
    public void Hsts_is_on_when_a_kestrel_endpoint_serves_https()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Secure:Url"] = "https://0.0.0.0:443",
        }).Build();

        Assert.True(MarketplaceApp.HttpsConfigured(configuration));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : "";

    [GeneratedRegex("script-src [^;]*'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
