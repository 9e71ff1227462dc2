using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.Operate;

/// <summary>
/// A marketplace whose requests may claim a client address (header <see cref="RemoteAddress.Header"/>, honoured by
/// the test host only): TestServer leaves the address empty, and /metrics decides by address.
/// </summary>
public sealed class ScrapeFixture : MarketplaceFixture
{
    public const string MonitoringNetwork = "10.1.0.0/16";

    protected override Task<MarketplaceFactory> CreateFactoryAsync() => Task.FromResult(new MarketplaceFactory(settings: new Dictionary<string, string>
    {
        ["Marketplace:Telemetry:MetricsNetworks:0"] = MonitoringNetwork,
    })
    {
        ConfigureServices = services => services.AddSingleton<IStartupFilter, RemoteAddress>(),
    });

    public HttpClient ClientFrom(string address)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add(RemoteAddress.Header, address);
        return client;
    }
}

/// <summary>Sets the connection's remote address from a request header, before anything else runs (tests only).</summary>
public sealed class RemoteAddress : IStartupFilter
{
    public const string Header = "X-Test-Remote-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, then) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var address))
            {
                http.Connection.RemoteIpAddress = address;
            }
            return then(http);
        });
        next(app);
    };
}
