using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Marketplace.Host.Tests;

/// <summary>The built host serving HTTPS with a configured certificate (self-signed here), as the README describes.</summary>
public sealed class HttpsHost : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
    private readonly string _httpsUrl = $"https://127.0.0.1:{MarketplaceFactory.FreePort()}";
    private HostProcess _host = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        var certificate = Path.Combine(_data, "marketplace.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=marketplace.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("marketplace.test");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllBytesAsync(certificate, cert.Export(X509ContentType.Pfx, "test-password"));
        }
        _host = await HostProcess.StartAsync(_data, [
            $"--Kestrel:Certificates:Default:Path={certificate}",
            "--Kestrel:Certificates:Default:Password=test-password",
        ], urls: _httpsUrl);
    }

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

    public string HttpUrl => _host.BaseUrl;

    public HttpClient HttpsClient()
    {
        // The test trusts exactly the certificate it made, nothing else.
        var expected = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(_data, "marketplace.pfx"), "test-password");
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == expected.Thumbprint,
        };
        return new HttpClient(handler) { BaseAddress = new Uri(_httpsUrl) };
    }
}

public sealed class HttpsTests(HttpsHost host) : IClassFixture<HttpsHost>
{
    [Fact]
    public async Task The_marketplace_answers_over_https_with_its_configured_certificate_and_sends_hsts()
    {
        using var client = host.HttpsClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Host = "marketplace.test"; // HSTS is never sent to localhost names

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TryGetValues("Strict-Transport-Security", out var hsts), "HTTPS answers carry HSTS");
        Assert.StartsWith("max-age=", Assert.Single(hsts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_answers_carry_no_hsts()
    {
        using var client = new HttpClient { BaseAddress = new Uri(host.HttpUrl) };

        var response = await client.GetAsync("/health");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}
