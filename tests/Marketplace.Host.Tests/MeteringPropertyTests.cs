using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Marketplace.Host.Tests;

/// <summary>
/// Random sequences of brokered fetches over many seeds: with and without Idempotency-Keys, replays, a key reused
/// for another request, filters holding '&amp;', '=', '%', '|' and Japanese text, cursors, new revisions and retired
/// ones. Invariant: on a record-priced plan the records in answers that were not replays equal the units metered,
/// and every replay returns exactly its first answer.
/// </summary>
public sealed class MeteringPropertyTests(MarketplaceFixture fixture) : IClassFixture<MarketplaceFixture>
{
    private static readonly string[] Names = ["A&B", "x=y", "50%", "港未来&中央=1", "a|b", "plain", "a+b c"];
    private const int Steps = 40;

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Records_served_outside_replays_equal_the_units_metered_and_replays_repeat_their_first_answer(int seed)
    {
        var random = new Random(seed);
        var driver = fixture.Driver;
        var provider = await driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(datasetId, "private"));
        var revisions = new List<string> { (await MarketplaceDriver.UploadCsvAsync(provider, datasetId, Csv(random, 30))).RevisionId };
        var offeringId = MarketplaceDriver.UniqueId("off");
        await MarketplaceDriver.CreateOfferingAsync(provider, new
        {
            id = offeringId,
            datasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
            policy = new { purposes = new[] { "research" } },
            visibility = "public",
            approval = "automatic",
        });
        await MarketplaceDriver.PublishAsync(provider, offeringId);
        var buyer = await driver.CreatePartyAsync("buyer");
        var contract = (await MarketplaceDriver.SubscribeAsync(buyer, offeringId, "research")).Id;

        var firstAnswers = new Dictionary<string, (string Url, string Body)>();
        var cursors = new List<string>();
        long served = 0;
        for (var step = 0; step < Steps; step++)
        {
            var roll = random.Next(100);
            if (roll < 4)
            {
                revisions.Add((await MarketplaceDriver.UploadCsvAsync(provider, datasetId, Csv(random, random.Next(5, 30)))).RevisionId);
                continue;
            }
            if (roll < 7 && revisions.Count > 1)
            {
                var retired = revisions[0];
                revisions.RemoveAt(0);
                var response = await provider.Client.PostAsync($"/api/v1/datasets/{datasetId}/revisions/{retired}/retire", null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                continue;
            }
            if (roll < 27 && firstAnswers.Count > 0)
            {
                // A replay: the same key and the same request answer exactly as the first time and meter nothing.
                var (key, first) = firstAnswers.ElementAt(random.Next(firstAnswers.Count));
                using var replay = await buyer.Client.SendAsync(MeteringIntegrityTests.Get(first.Url, key));
                Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
                Assert.Equal(first.Body, await replay.Content.ReadAsStringAsync());
                Assert.Contains("true", replay.Headers.GetValues("Idempotent-Replayed"));
                continue;
            }
            if (roll < 32 && firstAnswers.Count > 0)
            {
                // The same key for another request is refused and meters nothing.
                var (key, first) = firstAnswers.ElementAt(random.Next(firstAnswers.Count));
                var otherUrl = System.Text.RegularExpressions.Regex.Replace(first.Url, "limit=[0-9]+", $"limit={20 + random.Next(5)}");
                using var other = await buyer.Client.SendAsync(MeteringIntegrityTests.Get(otherUrl, key));
                Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
                continue;
            }

            var url = RandomUrl(random, contract, cursors);
            var withKey = random.Next(2) == 0;
            var newKey = withKey ? $"k-{seed}-{step}" : null;
            using var answer = await buyer.Client.SendAsync(MeteringIntegrityTests.Get(url, newKey));
            var body = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode == HttpStatusCode.Conflict)
            {
                // Only a cursor on a revision retired since may be refused.
                Assert.Contains("cursor=", url, StringComparison.Ordinal);
                continue;
            }
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{answer.StatusCode} for {url}: {body}");
            var page = JsonDocument.Parse(body).RootElement;
            served += page.GetProperty("count").GetInt32();
            if (page.GetProperty("nextCursor").GetString() is { } next)
            {
                cursors.Add(next);
            }
            if (newKey is not null)
            {
                firstAnswers[newKey] = (url, body);
            }
        }

        Assert.Equal(served, await MeteringIntegrityTests.UnitsAsync(buyer, contract));
    }

    private static string RandomUrl(Random random, string contract, List<string> cursors)
    {
        var url = new StringBuilder($"/api/v1/contracts/{contract}/records?limit={random.Next(1, 12)}");
        if (cursors.Count > 0 && random.Next(3) == 0)
        {
            url.Append("&cursor=").Append(cursors[random.Next(cursors.Count)]);
        }
        if (random.Next(2) == 0)
        {
            var name = random.Next(5) == 0 ? "nobody&district=east" : Names[random.Next(Names.Length)];
            url.Append("&name=").Append(Uri.EscapeDataString(name));
        }
        if (random.Next(4) == 0)
        {
            url.Append("&district=").Append(random.Next(2) == 0 ? "east" : "west");
        }
        return url.ToString();
    }

    private static string Csv(Random random, int rows)
    {
        var csv = new StringBuilder("stop_id,name,district,lat\n");
        for (var i = 1; i <= rows; i++)
        {
            var name = Names[random.Next(Names.Length)].Replace("\"", "\"\"", StringComparison.Ordinal);
            csv.Append(CultureInfo.InvariantCulture, $"S{i:D5},\"{name}\",{(random.Next(2) == 0 ? "east" : "west")},35.{i:D4}\n");
        }
        return csv.ToString();
    }
}
