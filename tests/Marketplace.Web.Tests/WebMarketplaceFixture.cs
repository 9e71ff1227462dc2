using Marketplace.Host.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// One marketplace on a real port, seeded through the public API, and one browser for the whole run; every test
/// opens its own browser context (<see cref="VisitAsync"/>).
/// </summary>
public class WebMarketplaceFixture : IAsyncLifetime
{
    private IPlaywright _playwright = null!;

    public WebMarketplaceFixture() : this(new MarketplaceFactory())
    {
    }

    /// <summary>A marketplace with settings of its own (e.g. a fixture whose tests move the clock, apart from the shared one).</summary>
    protected WebMarketplaceFixture(MarketplaceFactory factory) => Factory = factory;

    public MarketplaceFactory Factory { get; }

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public CatalogSeed Seed { get; private set; } = null!;

    /// <summary>Addresses (with the cookies they were opened with) whose page checks ran, and the check's name.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> CheckedPages { get; } = new(StringComparer.Ordinal);

    /// <summary>artifacts/screenshots at the repository root.</summary>
    public string Screenshots { get; } = Path.Combine(HostProcess.FindRepositoryRoot(AppContext.BaseDirectory), "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        Factory.UseKestrel(0);
        Factory.StartServer();
        var addresses = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        Seed = await CatalogSeed.PlantAsync(Driver);
        Directory.CreateDirectory(Screenshots);
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    /// <summary>A new browser context (no cookies) whose browser asks for <paramref name="locale"/> first.</summary>
    public Task<Visitor> VisitAsync(string locale = "en-US") => Visitor.OpenAsync(Browser, BaseUrl, locale);

    /// <summary>The marketplace's API as its operator, for arranging what a journey starts from.</summary>
    public MarketplaceDriver Driver => _driver ??= new MarketplaceDriver(Factory);

    private MarketplaceDriver? _driver;

    /// <summary>
    /// A new browser context with a person of <paramref name="party"/> signed in through the sign-in page (enrolled
    /// by the operator first, as the console would).
    /// </summary>
    public async Task<Visitor> SignInAsync(Party party, string locale = "en-US")
    {
        ArgumentNullException.ThrowIfNull(party);
        var person = await Driver.EnrolPersonAsync(party.Id);
        var visitor = await VisitAsync(locale);
        await visitor.SignInAsync(person.SignIn, person.OneTimePassword);
        return visitor;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await Factory.DisposeAsync();
        try
        {
            Directory.Delete(Factory.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class WebMarketplaceCollection : ICollectionFixture<WebMarketplaceFixture>
{
    public const string Name = "web-marketplace";
}
