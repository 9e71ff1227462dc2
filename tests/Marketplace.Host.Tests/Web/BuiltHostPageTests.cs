using System.Net;
using System.Text.RegularExpressions;

namespace Marketplace.Host.Tests.Web;

/// <summary>The host as build.ps1 run starts it (from its build output, not the project folder) serves the pages and their stylesheet.</summary>
public sealed partial class BuiltHostPageTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
    private HostProcess _host = null!;

    public async Task InitializeAsync() => _host = await HostProcess.StartAsync(_data);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task The_root_is_the_catalog_and_its_stylesheet_has_content()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };

        var page = await client.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        var css = await client.GetStringAsync("/" + Stylesheet().Match(html).Groups[1].Value.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form role=\"search\"", html, StringComparison.Ordinal);
        Assert.Contains(".results", css, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stylesheet_and_the_icon_a_page_names_are_cached_for_a_year_as_immutable()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };
        var html = await client.GetStringAsync("/");

        foreach (var asset in new[] { Stylesheet().Match(html).Groups[1].Value, Icon().Match(html).Groups[1].Value })
        {
            var response = await client.GetAsync("/" + asset.TrimStart('/'));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task The_icon_browsers_ask_for_by_themselves_answers()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };

        var response = await client.GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task A_page_leaves_compressed_for_a_browser_that_accepts_it(string encoding)
    {
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = new Uri(_host.BaseUrl) };
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd(encoding);

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex Stylesheet();

    [GeneratedRegex("<link rel=\"icon\" href=\"([^\"]+)\"")]
    private static partial Regex Icon();
}
