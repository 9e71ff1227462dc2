using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Parties;
using Marketplace.Application.Usage;

namespace Marketplace.Host.Tests;

/// <summary>
/// Kills the host process (SIGKILL) in the middle of a stream of metered requests and restarts it on the
/// same data: every answered request's usage must be there, and nothing may be counted twice.
/// </summary>
public sealed class CrashTests
{
    private const int Workers = 8;
    private const int PageSize = 7;
    private const int AnsweredBeforeKill = 400;

    [Fact]
    public async Task Killing_the_host_during_metered_requests_loses_no_usage_that_was_answered()
    {
        var data = Path.Combine(Path.GetTempPath(), "marketplace-crash", Guid.NewGuid().ToString("N"));
        string contractId, buyerKey;
        var answered = new ConcurrentDictionary<string, long>();
        await using (var host = await HostProcess.StartAsync(data))
        {
            (contractId, buyerKey) = await ArrangeContractAsync(host);
            using var buyer = host.Client(buyerKey);
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var key = $"w{w}-r{i}";
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contractId}/records?limit={PageSize}");
                        request.Headers.Add("Idempotency-Key", key);
                        using var response = await buyer.SendAsync(request, CancellationToken.None);
                        var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            answered[key] = long.Parse(response.Headers.GetValues("X-Usage-Units").Single(), System.Globalization.CultureInfo.InvariantCulture);
                            if (answered.Count >= AnsweredBeforeKill)
                            {
                                enough.TrySetResult();
                            }
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the host is gone
                    }
                }
            })).ToList();

            // Kill while every worker still has a request in flight.
            await Task.WhenAny(Task.WhenAll(workers), enough.Task);
            host.Kill();
            await Task.WhenAll(workers);
        }

        await using var restarted = await HostProcess.StartAsync(data);
        using var again = restarted.Client(buyerKey);
        var usage = await MarketplaceDriver.Ok<UsageResponse>(await again.GetAsync($"/api/v1/contracts/{contractId}/usage"), HttpStatusCode.OK);
        var answeredUnits = answered.Values.Sum();
        var metered = usage.Items[0].Units;

        Assert.True(answered.Count >= AnsweredBeforeKill, $"only {answered.Count} requests were answered before the kill");
        Assert.True(metered >= answeredUnits, $"metered {metered} < answered {answeredUnits}: usage was lost");
        Assert.True(metered <= answeredUnits + (Workers * PageSize), $"metered {metered} is more than answered {answeredUnits} plus the requests in flight");
        foreach (var key in answered.Keys.Take(50))
        {
            using var replay = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contractId}/records?limit={PageSize}");
            replay.Headers.Add("Idempotency-Key", key);
            var response = await again.SendAsync(replay);
            Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
        }
        var after = await MarketplaceDriver.Ok<UsageResponse>(await again.GetAsync($"/api/v1/contracts/{contractId}/usage"), HttpStatusCode.OK);
        Assert.Equal(metered, after.Items[0].Units);
        restarted.Kill();
        Directory.Delete(data, recursive: true);
    }

    private static async Task<(string ContractId, string BuyerKey)> ArrangeContractAsync(HostProcess host)
    {
        using var op = host.Client(host.OperatorKey);
        var provider = await MarketplaceDriver.Ok<PartyWithKeyResponse>(
            await op.PostAsJsonAsync("/api/v1/parties", new { id = "crash-provider", role = "provider", name = "P" }), HttpStatusCode.Created);
        var buyer = await MarketplaceDriver.Ok<PartyWithKeyResponse>(
            await op.PostAsJsonAsync("/api/v1/parties", new { id = "crash-buyer", role = "buyer", name = "B" }), HttpStatusCode.Created);
        using var p = host.Client(provider.ApiKey);
        (await p.PostAsJsonAsync("/api/v1/datasets", MarketplaceDriver.BusStopsDataset("crash-data", "private"))).EnsureSuccessStatusCode();
        using var csv = new StringContent(MarketplaceDriver.BusStopsCsv(5_000), Encoding.UTF8, "text/csv");
        (await p.PostAsync("/api/v1/datasets/crash-data/revisions", csv)).EnsureSuccessStatusCode();
        (await p.PostAsJsonAsync("/api/v1/offerings", new
        {
            id = "crash-offer",
            datasetId = "crash-data",
            pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
        })).EnsureSuccessStatusCode();
        (await p.PostAsync("/api/v1/offerings/crash-offer/publish", null)).EnsureSuccessStatusCode();
        using var b = host.Client(buyer.ApiKey);
        var contract = await MarketplaceDriver.Ok<ContractResponse>(
            await b.PostAsJsonAsync("/api/v1/offerings/crash-offer/contracts", new { purpose = "research" }), HttpStatusCode.Created);
        return (contract.Id, buyer.ApiKey);
    }
}
