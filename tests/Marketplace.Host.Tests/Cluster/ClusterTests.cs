using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Application.Usage;
using Marketplace.Host.Tests.Consent;
using Marketplace.Host.Tests.Web;
using Xunit.Abstractions;

namespace Marketplace.Host.Tests.Cluster;

/// <summary>The marketplace as a cluster of three real host processes on loopback, sharing Redis and the Cosmos store.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterTests(MarketplaceCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Brokered_fetches_across_the_hosts_are_each_metered_once_when_a_host_is_killed_mid_stream_and_it_rejoins()
    {
        await cluster.EnsureAllRunningAsync();
        var contractId = await cluster.SubscribedContractAsync();
        var (buyerKey, contract) = contractId;
        const int Requests = 60;
        const int PageSize = 5;
        var answered = new ConcurrentDictionary<int, long>();
        long killedAt = 0; // ticks of the clock when host b was killed; 0 before
        var firstAfterKill = new ConcurrentBag<TimeSpan>();
        var recoveredAfterKill = new ConcurrentBag<TimeSpan>(); // requests that met the lost host's grains (503) until answered
        var clock = Stopwatch.StartNew();
        // Host a made the parties, the dataset and the offering, so it holds their grains (and the API keys'): it dies.
        const int Victim = 0;
        var victim = cluster.Hosts[Victim];
        var clients = cluster.Hosts.Select(h => h.Client(buyerKey)).ToArray();
        var next = -1;

        // Three workers fetch round-robin across the hosts; host a is killed once a quarter are answered.
        async Task WorkerAsync()
        {
            int request;
            while ((request = Interlocked.Increment(ref next)) < Requests)
            {
                var key = $"cluster-fetch-{request}";
                var deadline = clock.Elapsed + GiveUpAfter;
                var metLostHost = false;
                for (var attempt = 0; ; attempt++)
                {
                    Assert.True(clock.Elapsed < deadline, $"Request {request} was not answered within {GiveUpAfter.TotalSeconds} s.\n{cluster.Logs()}");
                    var host = (request + attempt) % MarketplaceCluster.Size;
                    using var message = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contract}/records?limit={PageSize}");
                    message.Headers.Add("Idempotency-Key", key);
                    HttpResponseMessage response;
                    try
                    {
                        response = await clients[host].SendAsync(message);
                    }
                    catch (HttpRequestException)
                    {
                        continue; // that host is down: the same request, same key, to the next host
                    }
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Assert.NotNull(response.Headers.RetryAfter);
                        metLostHost = true;
                        continue;
                    }
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"Request {request} on {cluster.Hosts[host].Name} answered {(int)response.StatusCode}: {body}");
                    answered[request] = JsonDocument.Parse(body).RootElement.GetProperty("unitsMetered").GetInt64();
                    if (Interlocked.Read(ref killedAt) is var at and > 0 && host != Victim)
                    {
                        firstAfterKill.Add(clock.Elapsed - TimeSpan.FromTicks(at));
                        if (metLostHost)
                        {
                            recoveredAfterKill.Add(clock.Elapsed - TimeSpan.FromTicks(at));
                        }
                    }
                    if (answered.Count == Requests / 4 && Interlocked.CompareExchange(ref killedAt, clock.Elapsed.Ticks, 0) == 0)
                    {
                        victim.Kill();
                    }
                    break;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(WorkerAsync)));

        Assert.False(victim.Running);
        Assert.Equal(Requests, answered.Count);
        Assert.All(answered.Values, units => Assert.Equal(PageSize, units));
        var usage = await UsageAsync(cluster.Hosts[2], buyerKey, contract);
        Assert.Equal(answered.Values.Sum(), usage.Units);
        Assert.Equal(Requests, usage.Events);
        output.WriteLine($"failover: first answer after the kill in {firstAfterKill.Min().TotalMilliseconds:0} ms; "
            + (recoveredAfterKill.IsEmpty ? "no request met a grain of the killed host" : $"{recoveredAfterKill.Count} requests met the killed host's grains (503) and were answered {recoveredAfterKill.Min().TotalMilliseconds:0}-{recoveredAfterKill.Max().TotalMilliseconds:0} ms after the kill")
            + $"; all {Requests} answered in {clock.Elapsed.TotalSeconds:0.0} s");

        // The killed host restarts, rejoins, and serves the same contract with nothing counted twice.
        await cluster.EnsureAllRunningAsync();
        using var rejoined = victim.Client(buyerKey);
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contract}/records?limit={PageSize}");
        again.Headers.Add("Idempotency-Key", "cluster-fetch-0");
        var replay = await rejoined.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(usage.Units, (await UsageAsync(victim, buyerKey, contract)).Units);
    }

    [Fact]
    public async Task A_person_signed_in_on_one_host_submits_a_form_on_another_and_the_key_it_issues_works_on_the_third()
    {
        await cluster.EnsureAllRunningAsync();
        var (buyerId, _) = await cluster.CreatePartyAsync("buyer");
        using var operatorClient = cluster.Operator();
        var person = await MarketplaceDriver.Ok<Features.Parties.PersonWithPasswordResponse>(
            await operatorClient.PostAsJsonAsync($"/api/v1/parties/{buyerId}/people", new { signIn = $"{buyerId}@example.jp", displayName = "山田 花子" }),
            HttpStatusCode.Created);
        var cookies = new CookieContainer(); // one browser: cookies for 127.0.0.1 go to every port
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var onA = cluster.Hosts[0].Client(handler: handler);
        using var onB = cluster.Hosts[1].Client(handler: handler);

        var signInPage = await onA.GetStringAsync("/signin");
        var signedIn = await onA.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["SignInName"] = person.SignIn,
            ["Password"] = person.OneTimePassword,
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = PageSession.TokenIn(signInPage),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // The form comes from host a (its antiforgery token), the post goes to host b with host a's cookie.
        var keysPage = await onA.GetStringAsync("/console/keys");
        var issued = await onB.PostAsync("/console/keys", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "issue-key",
            ["__RequestVerificationToken"] = PageSession.TokenIn(keysPage),
        }));
        var html = await issued.Content.ReadAsStringAsync();
        Assert.True(issued.StatusCode == HttpStatusCode.OK, $"host b answered {(int)issued.StatusCode}: {html}");
        var key = WebUtility.HtmlDecode(NewKey().Match(html).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(key), "host b did not issue a key");

        using var onC = cluster.Hosts[2].Client(key);
        Assert.Equal(HttpStatusCode.OK, (await onC.GetAsync("/api/v1/contracts")).StatusCode);
    }

    [Fact]
    public async Task A_withdrawal_through_one_host_is_in_force_on_the_very_next_fetch_through_another()
    {
        await cluster.EnsureAllRunningAsync();
        var onA = new ClusterEndpoint(cluster.Hosts[0], cluster.OperatorKey);
        var world = await ConsentWorld.CreateAsync(onA, new MarketplaceDriver(onA), residents: 2);
        var consents = new List<Features.Consent.ConsentResponse>();
        foreach (var resident in world.Residents)
        {
            consents.Add(await world.ConsentAsync(resident));
        }
        using var onB = cluster.Hosts[1].Client(world.Buyer.Key);
        using var onC = cluster.Hosts[2].Client(world.Buyer.Key);
        Assert.Equal(2, (await world.FetchAsync(client: onB)).Records.Count);

        await world.WithdrawAsync(world.Residents[0], consents[0].Id); // through host a

        var next = await world.FetchAsync(client: onC);
        Assert.Equal((1, 1L), (next.Records.Count, next.Units));

        // Hosts b and c have asked for the contract's access lease (their later fetches make no grain call): a
        // suspension through host a is in force on the very next fetch through either. (A test of its own would meter
        // usage that the period-close test, which invoices exactly its own contracts, finds when it runs later.)
        Assert.Single((await world.FetchAsync(client: onB)).Records);
        Assert.Single((await world.FetchAsync(client: onC)).Records);
        using var operatorOnA = cluster.Operator(0);
        (await operatorOnA.PostAsync($"/api/v1/contracts/{world.Contract.Id}/suspend", null)).EnsureSuccessStatusCode();
        await MarketplaceDriver.Problem(await onB.GetAsync($"/api/v1/contracts/{world.Contract.Id}/records"), HttpStatusCode.Forbidden);
        await MarketplaceDriver.Problem(await onC.GetAsync($"/api/v1/contracts/{world.Contract.Id}/records"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_period_close_and_a_reconciliation_run_while_a_host_dies_finish_once_with_the_same_invoices()
    {
        await cluster.EnsureAllRunningAsync();
        var contracts = new List<string>();
        for (var i = 0; i < MarketplaceCluster.Size; i++)
        {
            var (buyerKey, contractId) = await cluster.SubscribedContractAsync();
            using var buyer = cluster.Hosts[i].Client(buyerKey);
            using var fetch = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contractId}/records?limit={(i + 1) * 2}");
            fetch.Headers.Add("Idempotency-Key", "before-close");
            Assert.Equal(HttpStatusCode.OK, (await buyer.SendAsync(fetch)).StatusCode);
            contracts.Add(contractId);
        }
        using var clockReader = cluster.Operator();
        var clock = await MarketplaceDriver.Ok<JsonElement>(await clockReader.GetAsync("/api/v1/test-clock"), HttpStatusCode.OK);
        var period = clock.GetProperty("currentPeriod").GetString()!;
        // Past the period's end and its grace window, on every host alike.
        await cluster.AdvanceAllAsync(clock.GetProperty("now").GetDateTimeOffset().AddDays(40));

        // The close starts on host c, and host b (which may hold contracts', invoices' or the period's grains) dies.
        var closing = Task.Run(() => SendUntilAnsweredAsync(h => h.PostAsync($"/api/v1/billing/periods/{period}/close", null), first: 2));
        cluster.Hosts[1].Kill();
        var closed = await MarketplaceDriver.Ok<Features.Billing.PeriodCloseResponse>(await closing, HttpStatusCode.OK);
        Assert.Equal(("closed", MarketplaceCluster.Size), (closed.Status, closed.Invoices));

        var started = await SendUntilAnsweredAsync(h => h.PostAsync($"/api/v1/billing/periods/{period}/reconciliation", null), first: 0);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = started.Headers.Location!.OriginalString.Split('/')[^1];
        var run = await MarketplaceDriver.Ok<JsonElement>(
            await SendUntilAnsweredAsync(h => h.GetAsync($"/api/v1/billing/reconciliations/{runId}?wait=60"), first: 2), HttpStatusCode.OK);
        Assert.Equal("done", run.GetProperty("status").GetString());

        var invoices = await InvoicesAsync(period, host: 0);
        Assert.Equal(contracts.Order(StringComparer.Ordinal), invoices.Select(i => i.ContractId).Order(StringComparer.Ordinal));
        Assert.All(invoices, i => Assert.True(i.TotalMinor > 0));

        // Once: the dead host back, closing again answers the same, and every host lists the same invoices.
        await cluster.EnsureAllRunningAsync();
        var again = await MarketplaceDriver.Ok<Features.Billing.PeriodCloseResponse>(
            await SendUntilAnsweredAsync(h => h.PostAsync($"/api/v1/billing/periods/{period}/close", null), first: 1), HttpStatusCode.OK);
        Assert.Equal((closed.Status, closed.Invoices, closed.ClosedAt), (again.Status, again.Invoices, again.ClosedAt));
        Assert.Equal(Summaries(invoices), Summaries(await InvoicesAsync(period, host: 1)));
    }

    /// <summary>Sends as the operator, starting on host <paramref name="first"/>; a host that is down or answers 503 passes it to the next.</summary>
    private async Task<HttpResponseMessage> SendUntilAnsweredAsync(Func<HttpClient, Task<HttpResponseMessage>> send, int first)
    {
        var watch = Stopwatch.StartNew();
        for (var attempt = 0; watch.Elapsed < GiveUpAfter; attempt++)
        {
            using var client = cluster.Operator((first + attempt) % MarketplaceCluster.Size);
            try
            {
                var response = await send(client);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    return response;
                }
                Assert.NotNull(response.Headers.RetryAfter);
            }
            catch (HttpRequestException)
            {
                // that host is down: the next one
            }
        }
        throw new InvalidOperationException($"No host answered within {GiveUpAfter.TotalSeconds} s.\n{cluster.Logs()}");
    }

    private async Task<IReadOnlyList<Features.Billing.InvoiceEntryResponse>> InvoicesAsync(string period, int host)
    {
        using var client = cluster.Operator(host);
        var list = await MarketplaceDriver.Ok<Features.Billing.InvoiceListResponse>(
            await client.GetAsync($"/api/v1/billing/periods/{period}/invoices?pageSize=200"), HttpStatusCode.OK);
        return list.Items;
    }

    private static string Summaries(IEnumerable<Features.Billing.InvoiceEntryResponse> invoices) =>
        string.Join(";", invoices.Select(i => $"{i.Id}:{i.ContractId}:{i.TotalMinor}:{i.IssuedAt:O}").Order(StringComparer.Ordinal));

    /// <summary>
    /// The contract's usage as the host answers it. Right after a host was killed the contract's grains may still be
    /// placed on it (fetches served from access leases never asked them): the 503 with Retry-After is asked again, as
    /// a client does, until the cluster has moved them.
    /// </summary>
    private static async Task<ContractUsageResponse> UsageAsync(ClusterHost host, string buyerKey, string contractId)
    {
        using var client = host.Client(buyerKey);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync($"/api/v1/contracts/{contractId}/usage");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null && deadline.Elapsed < GiveUpAfter)
            {
                response.Dispose();
                continue;
            }
            var usage = await MarketplaceDriver.Ok<UsageResponse>(response, HttpStatusCode.OK);
            return Assert.Single(usage.Items);
        }
    }

    [GeneratedRegex("<code id=\"new-key\">([^<]+)</code>")]
    private static partial Regex NewKey();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<MarketplaceCluster>
{
    public const string Name = "cluster of real hosts";
}
