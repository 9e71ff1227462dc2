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

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex Stylesheet();
}
