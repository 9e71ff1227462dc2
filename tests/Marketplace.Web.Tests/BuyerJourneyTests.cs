using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// A buyer finds a private offering made for it, subscribes with a purpose, and once the provider has approved,
/// creates a key and fetches records with the curl line its console shows. Another buyer sees none of it.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class BuyerJourneyTests(WebMarketplaceFixture fixture)
{
    private readonly PageChecks _checks = new(fixture);

    [Fact]
    public async Task A_buyer_subscribes_from_the_catalog_and_after_approval_fetches_records_with_the_shown_curl_line()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var listing = await fixture.Driver.ListedOfferingAsync(records: 4, visibility: "private", buyers: [buyer.Id], approval: "provider",
            policy: new { purposes = new[] { "research", "service-improvement" }, termDays = 30, maxUnitsPerPeriod = 1000 });
        await using var visitor = await fixture.SignInAsync(buyer);
        var page = visitor.Page;

        // The catalog shows the offering made for this buyer; its page offers the subscription.
        Assert.Equal(200, await visitor.OpenPageAsync($"/?provider={listing.Provider.Id}"));
        await Visitor.FollowAsync(page, page.Locator($"ul.results a[href=\"/offerings/{listing.OfferingId}\"]"), $"/offerings/{listing.OfferingId}");
        await _checks.AssertSoundAsync(visitor, "offering-signed-in-buyer");
        await page.Locator("#subscribe-purpose").SelectOptionAsync("service-improvement");
        await page.Locator("section[aria-labelledby=subscribe-heading] button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var requested = await page.Locator("section[aria-labelledby=subscribe-heading] [role=status]").InnerTextAsync();
        Assert.Contains("awaits the provider's approval", requested, StringComparison.Ordinal);

        // The console lists it as awaiting approval until the provider approves.
        Assert.Equal(200, await visitor.OpenPageAsync("/console/buyer"));
        var contractLink = page.Locator("a[href^=\"/console/buyer/contracts/\"]");
        var contractPath = await contractLink.GetAttributeAsync("href");
        var contractId = contractPath!["/console/buyer/contracts/".Length..];
        Assert.Contains("Awaiting approval", await page.GetByRole(AriaRole.Table, new() { Name = "Your contracts" }).InnerTextAsync(), StringComparison.Ordinal);
        await _checks.AssertSoundAsync(visitor, "console-buyer-contracts");
        await ApproveInTheProviderConsoleAsync(listing.Provider, contractId);

        await Visitor.FollowAsync(page, contractLink, contractPath);
        var curl = await page.Locator("section[aria-labelledby=fetch-heading] pre code").InnerTextAsync();
        await _checks.AssertSoundAsync(visitor, "console-buyer-contract");

        // A key of its own, shown once, then the very curl line the page shows.
        await Visitor.FollowAsync(page, page.Locator("a[href=\"/console/keys\"]").First, "/console/keys");
        await page.Locator("form button[type=submit]", new() { HasText = "Create a key" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var key = (await page.Locator("#new-key").InnerTextAsync()).Trim();
        await _checks.AssertSoundAsync(visitor, "console-keys");

        using var records = JsonDocument.Parse(await RunAsync(curl, key));
        Assert.Equal(4, records.RootElement.GetProperty("records").GetArrayLength());
        Assert.Empty(visitor.TakeProblems());
    }

    [Fact]
    public async Task Another_buyer_sees_neither_the_private_offering_nor_the_contract()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var other = await fixture.Driver.CreatePartyAsync("buyer");
        var listing = await fixture.Driver.ListedOfferingAsync(records: 2, visibility: "private", buyers: [buyer.Id]);
        var contract = await Marketplace.Host.Tests.MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        await using var visitor = await fixture.SignInAsync(other);

        visitor.Expect($"{fixture.BaseUrl}/offerings/{listing.OfferingId}", 404);
        visitor.Expect($"{fixture.BaseUrl}/console/buyer/contracts/{contract.Id}", 404);
        Assert.Equal(404, await visitor.OpenPageAsync($"/offerings/{listing.OfferingId}"));
        Assert.Equal(404, await visitor.OpenPageAsync($"/console/buyer/contracts/{contract.Id}"));
        Assert.Equal(200, await visitor.OpenPageAsync("/console/buyer"));
        Assert.DoesNotContain(contract.Id, await visitor.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(visitor.TakeProblems());
    }

    /// <summary>The provider signs in and approves the request on its console's requests page.</summary>
    private async Task ApproveInTheProviderConsoleAsync(Marketplace.Host.Tests.Party provider, string contractId)
    {
        await using var providerVisitor = await fixture.SignInAsync(provider);
        Assert.Equal(200, await providerVisitor.OpenPageAsync("/console/provider/requests"));
        await providerVisitor.Page.Locator($"button[name=Approve][value=\"{contractId}\"]").ClickAsync();
        await providerVisitor.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal("active", (await provider.Client.GetFromJsonAsync<JsonElement>($"/api/v1/contracts/{contractId}")).GetProperty("status").GetString());
        Assert.Empty(providerVisitor.TakeProblems());
    }

    /// <summary>Runs the curl line as a person pastes it into bash, with their key in MARKETPLACE_KEY.</summary>
    private static async Task<string> RunAsync(string curlLine, string key)
    {
        var start = new ProcessStartInfo("bash", ["-c", curlLine + " --fail-with-body --silent --show-error"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MARKETPLACE_KEY"] = key;
        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        var error = await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, $"curl exited {curl.ExitCode}: {error}\n{output}");
        return output;
    }
}
