using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Parties;
using Marketplace.Application.Usage;

namespace Marketplace.Host.Tests;

/// <summary>
/// Kills the host process (SIGKILL) in the middle of a stream of metered requests and restarts it on the
/// same data: every answered request's usage must be there, and nothing may be counted twice. What was
/// answered is counted from the records in the bodies the client received, not from what the server says it metered.
/// </summary>
public sealed class CrashTests
{
    private const int Workers = 8;
    private const int PageSize = 7;
    private const int AnsweredBeforeKill = 400;

    /// <summary>The kill comes after <see cref="AnsweredBeforeKill"/> answers or at this deadline, whichever is first.</summary>
    private static readonly TimeSpan KillDeadline = TimeSpan.FromSeconds(60);

    /// <summary>No single request may hang the test.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

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
            buyer.Timeout = RequestTimeout;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var deadline = new CancellationTokenSource(KillDeadline);
            using var atDeadline = deadline.Token.Register(() => enough.TrySetResult());

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
                            answered[key] = JsonDocument.Parse(body).RootElement.GetProperty("records").GetArrayLength();
                            if (answered.Count >= AnsweredBeforeKill)
                            {
                                enough.TrySetResult();
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the host is gone (or stopped answering)
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
        again.Timeout = RequestTimeout;
        var usage = await MarketplaceDriver.Ok<UsageResponse>(await again.GetAsync($"/api/v1/contracts/{contractId}/usage"), HttpStatusCode.OK);
        var answeredUnits = answered.Values.Sum(); // records received: the plan meters one unit per record
        var metered = usage.Items[0].Units;

        Assert.True(answered.Count >= AnsweredBeforeKill, $"only {answered.Count} requests were answered before the kill");
        Assert.True(metered >= answeredUnits, $"metered {metered} < answered {answeredUnits}: usage was lost");
        Assert.True(metered <= answeredUnits + (Workers * PageSize), $"metered {metered} is more than answered {answeredUnits} plus the requests in flight");
        foreach (var key in answered.Keys.Take(50))
        {
            using var replay = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contractId}/records?limit={PageSize}");
            replay.Headers.Add("Idempotency-Key", key);
            using var response = await again.SendAsync(replay);
            var replayed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("records").GetArrayLength();
            Assert.Equal(answered[key], replayed);
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
