using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Host.Features.Parties;
using Marketplace.Host.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Host.Tests.Operate;

/// <summary>
/// Logs at Debug for every category (what an operator turns on to investigate) never hold a secret (API keys, passwords,
/// Stripe keys and webhook secrets) or personal data (sign-in e-mails, names, record contents).
/// </summary>
public sealed class LogSecrecyTests : IAsyncLifetime
{
    private const string StripeKey = "sk_test_h2LogSecrecy51Zz9Qq";
    private const string WebhookSecret = "whsec_h2LogSecrecyWebhook77";

    private readonly LogCapture _logs = new();
    private readonly MarketplaceFactory _factory;

    public LogSecrecyTests()
    {
        _factory = new MarketplaceFactory(settings: new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["Logging:LogLevel:Orleans"] = "Debug",
            ["Logging:LogLevel:Hangfire"] = "Debug",
            ["Marketplace:Stripe:ApiKey"] = StripeKey,
            ["Marketplace:Stripe:WebhookSecret"] = WebhookSecret,
            ["Marketplace:Stripe:ApiBase"] = "http://127.0.0.1:9",
            ["Marketplace:Stripe:MeterEventsBase"] = "http://127.0.0.1:9",
        })
        {
            ConfigureServices = services => services.AddSingleton<ILoggerProvider>(_logs),
        };
    }

    public Task InitializeAsync()
    {
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Signing_in_calling_with_keys_and_fetching_records_logs_no_secret_and_no_personal_data()
    {
        var driver = new MarketplaceDriver(_factory);
        var operatorKey = _factory.OperatorKey;
        var provider = await driver.CreatePartyAsync("provider");
        var buyer = await driver.CreatePartyAsync("buyer");
        var email = $"{MarketplaceDriver.UniqueId("hanako")}@example.jp";
        const string displayName = "Kobayashi Secretname";
        var person = await MarketplaceDriver.Ok<PersonWithPasswordResponse>(
            await driver.Operator.PostAsJsonAsync($"/api/v1/parties/{buyer.Id}/people", new { signIn = email, displayName }), HttpStatusCode.Created);
        const string recordValue = "Shinjuku-h2-record-content";
        var contractId = await BrokeredContractAsync(driver, provider, buyer, recordValue);
        const string wrongPassword = "Wrong-h2-Password-42!";
        const string madeUpKey = "mk_h2madeupkey0_h2MadeUpSecretPart0123456789";

        await new PageSession(_factory).SignedInAsync(email, person.OneTimePassword);
        using var refused = await new PageSession(_factory).SignInAsync(email, wrongPassword);
        using var fetched = await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/records");
        Assert.Contains(recordValue, await fetched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknownKey = await _factory.ClientWithKey(madeUpKey).GetAsync("/api/v1/parties/me");
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        webhook.Headers.TryAddWithoutValidation("Stripe-Signature", "t=1,v1=00");
        using var unsigned = await _factory.CreateClient().SendAsync(webhook);

        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Debug); // Debug really was on
        string[] secrets = [operatorKey, provider.Key, buyer.Key, madeUpKey, person.OneTimePassword, wrongPassword, StripeKey, WebhookSecret, email, displayName, recordValue];
        var leaks = (from entry in _logs.Entries
                     from secret in secrets
                     where entry.AllText.Contains(secret, StringComparison.Ordinal)
                     select $"{entry.Category} ({entry.Level}) logged '{secret}': {entry.Message}").ToList();
        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
    }

    private static async Task<string> BrokeredContractAsync(MarketplaceDriver driver, Party provider, Party buyer, string recordValue)
    {
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(datasetId, "private"));
        await MarketplaceDriver.UploadCsvAsync(provider, datasetId, $"stop_id,name,district,lat\nS1,{recordValue},east,35.1\n");
        var offeringId = await MarketplaceDriver.PublishedOfferingAsync(provider, datasetId);
        return (await MarketplaceDriver.SubscribeAsync(buyer, offeringId, "research")).Id;
    }
}
