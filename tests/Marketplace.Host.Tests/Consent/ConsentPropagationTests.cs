using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Consent;
using Xunit.Abstractions;

namespace Marketplace.Host.Tests.Consent;

/// <summary>
/// A withdrawal is in force on the very next access, on either store: the buyer's fetch right after the person's
/// withdrawal was acknowledged leaves them out, with no wait in between. The time from the acknowledgement to the
/// buyer's answer is reported (it must stay under the one second; the benchmark measures it properly).
/// </summary>
public abstract class ConsentPropagationTests(MarketplaceFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_fetch_right_after_a_withdrawal_leaves_the_person_out()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2);
        var consent = await world.ConsentAsync(world.Residents[0]);
        await world.ConsentAsync(world.Residents[1]);
        Assert.Equal(2, (await world.FetchAsync()).Records.Count);

        await world.WithdrawAsync(world.Residents[0], consent.Id);
        var clock = Stopwatch.StartNew();
        var (after, units) = await world.FetchAsync();
        clock.Stop();

        Assert.Equal((1, 1L), (after.Count, units));
        output.WriteLine($"withdrawal acknowledged → next fetch answered without the person: {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_receipt_of_each_event_verifies_with_the_published_keys()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        var resident = world.Residents[0];
        var consent = await world.ConsentAsync(resident);
        await world.WithdrawAsync(resident, consent.Id);

        var receipts = await MarketplaceDriver.Ok<ReceiptListResponse>(await resident.Client.GetAsync("/api/v1/subjects/me/receipts"), HttpStatusCode.OK);
        var verdicts = new List<bool>();
        foreach (var receipt in receipts.Items)
        {
            var verdict = await MarketplaceDriver.Ok<JsonElement>(
                await fixture.Factory.CreateClient().PostAsJsonAsync("/api/v1/receipts/verify", new { jws = receipt.Jws }), HttpStatusCode.OK);
            verdicts.Add(verdict.GetProperty("valid").GetBoolean());
        }
        var document = await MarketplaceDriver.Ok<ReceiptDocumentResponse>(
            await resident.Client.GetAsync($"/api/v1/subjects/me/receipts/{receipts.Items[0].Id}"), HttpStatusCode.OK);

        Assert.Equal(["withdrawn", "given"], receipts.Items.Select(r => r.Kind));
        Assert.Equal([true, true], verdicts);
        Assert.Equal(consent.Id, document.Record.GetProperty("recordId").GetString());
    }
}

[Collection(MarketplaceCollection.Name)]
public sealed class SqliteConsentPropagationTests(MarketplaceFixture fixture, ITestOutputHelper output) : ConsentPropagationTests(fixture, output);

[Collection(CosmosMarketplaceCollection.Name)]
public sealed class CosmosConsentPropagationTests(CosmosMarketplaceFixture fixture, ITestOutputHelper output) : ConsentPropagationTests(fixture, output);
