using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Benchmarks.Runner;
using static Marketplace.Benchmarks.BenchHttp;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// P1: brokered, metered fetches of 10 records (every one checked against the contract and its usage durable before
/// the reply), with and without Idempotency-Key, and from a personal dataset through the consent filter, against a
/// bare endpoint in the same process (same Kestrel, ahead of the marketplace's pipeline) answering the very bytes the
/// brokered fetch answered. Loads are driven by wrk when it is on PATH (full runs), by the raw-socket driver
/// otherwise; with wrk the bare baseline and the main row are measured by both drivers, as a cross-check.
/// </summary>
internal sealed class BrokeredFetchScenario : IScenario
{
    /// <summary>
    /// The issue's load: 32 connections. MARKETPLACE_BENCH_P1_CONNECTIONS changes it for an experiment: every fetch
    /// waits for a durable ledger commit, so at 32 connections throughput is bounded by 32 / commit latency.
    /// </summary>
    private static readonly int Connections = int.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_P1_CONNECTIONS"), out var n) && n > 0 ? n : 32;
    private const string BarePath = "/bench/bare-records";
    private const string Purpose = "academic-research";
    private const string Target = "≥ 50% of bare, p99 ≤ 20 ms";

    public string Id => "P1";

    public string Title => "brokered, metered record fetches against a bare endpoint returning the same bytes";

    public async Task RunAsync(BenchContext context)
    {
        var useWrk = !context.Quick && WrkLoad.Available;
        if (!context.Quick && !useWrk)
        {
            Console.WriteLine("wrk is not on PATH: the socket driver measures alone (build.ps1 bench installs wrk when it runs as root).");
        }
        foreach (var (store, configure) in context.Stores())
        {
            var data = BenchHost.NewDataDirectory();
            var bare = new BareBody();
            await using (var market = await BenchHost.StartMarketAsync(data, b => { BenchHost.Unthrottled(b); configure(b); }, bare.Map))
            {
                var (buyerKey, _, contractId) = await BenchHost.ArrangeContractAsync(market.Uri, data);
                var (personalContract, researcherKey) = await ArrangePersonalContractAsync(market.Uri, data, context.Quick ? 12 : 100);
                var path = $"/api/v1/contracts/{contractId}/records?limit=10";
                await bare.CaptureAsync(market.Uri, path, buyerKey);
                await BareBody.FetchAsync(market.Uri, $"/api/v1/contracts/{personalContract}/records?limit=10", researcherKey);
                if (!context.Quick)
                {
                    Console.WriteLine($"[{store}] the brokered answer: {bare.Body.Length:N0} bytes, {bare.ContentType}");
                    await Stages.MeasureAsync(market.App.Services, contractId);
                }
                var auth = new[] { KeyValuePair.Create("Authorization", $"Bearer {buyerKey}") };
                var bareRequest = new RequestTemplate(market.Uri, BarePath, []);
                var plainRequest = new RequestTemplate(market.Uri, path, auth);
                // The keyed load gets a contract of its own: its Idempotency-Keys are looked up among the contract's
                // stored keyed events, and the local Cosmos server answers that lookup by scanning the contract's
                // period partition (the service answers it from the index), so the plain load's events must not be
                // in the partition it scans.
                var keyedContract = await NewContractAsync(market.Uri, buyerKey);
                var keyedRequest = new RequestTemplate(market.Uri, $"/api/v1/contracts/{keyedContract}/records?limit=10", auth, "Idempotency-Key", "bench-");
                var personalRequest = new RequestTemplate(market.Uri, $"/api/v1/contracts/{personalContract}/records?limit=10", [KeyValuePair.Create("Authorization", $"Bearer {researcherKey}")]);

                var bareMain = await Load(context, useWrk, $"bare endpoint, same {bare.Body.Length:N0} bytes [{store}]", market.Uri, bareRequest);
                context.Report.Add(Row(bareMain, null, $"the baseline of P1 ({Describe(bareMain)})"));
                if (useWrk)
                {
                    var bareSocket = await Load(context, false, $"bare endpoint, same bytes [{store}], cross-check", market.Uri, bareRequest);
                    context.Report.Add(Row(bareSocket, bareMain, "the other driver on the same baseline: the ratio is how far the drivers agree") with { Target = "", Met = null });
                }

                var process = Environment.ProcessId;
                ResidentMemory.ResetPeak(process);
                var plain = await Load(context, useWrk, $"brokered fetch, 10 records, metered [{store}]", market.Uri, plainRequest);
                context.Report.Add(Row(plain, bareMain, Describe(plain)) with { PeakRssMiB = ResidentMemory.PeakMiB(process) });
                if (useWrk)
                {
                    var plainSocket = await Load(context, false, $"brokered fetch, 10 records, metered [{store}], cross-check", market.Uri, plainRequest);
                    context.Report.Add(Row(plainSocket, bareMain, Describe(plainSocket)));
                }
                var keyed = await Load(context, useWrk, $"  with Idempotency-Key (unique) [{store}]", market.Uri, keyedRequest);
                context.Report.Add(Row(keyed, bareMain, Describe(keyed)));
                var personal = await Load(context, useWrk, $"  personal dataset, consent filter [{store}]", market.Uri, personalRequest);
                context.Report.Add(Row(personal, bareMain, Describe(personal)));
            }
            BenchHost.DeleteDataDirectory(data);
        }

        BenchRow Row(LoadResult result, LoadResult? baseline, string note) => new(
            Id, $"{result.Name.Trim()} · {result.Driver}", result.RequestsPerSecond, "req/s", result.P50Ms, result.P99Ms,
            BaselineMeasure: baseline is null ? null : $"{baseline.Name} · {baseline.Driver}",
            BaselineValue: baseline?.RequestsPerSecond,
            Target: baseline is null ? "" : Target,
            Met: baseline is null ? null : context.Judge(result.Failures == 0 && result.RequestsPerSecond >= 0.5 * baseline.RequestsPerSecond && result.P99Ms <= 20),
            Note: result.Failures > 0 ? $"{result.Failures:N0} requests failed; {note}" : note);
    }

    private static Task<LoadResult> Load(BenchContext context, bool wrk, string name, Uri uri, RequestTemplate request) => wrk
        ? WrkLoad.RunAsync(name, uri, request, Connections, context.Duration, context.WarmUp)
        : SocketLoad.RunAsync(name, uri, request, Connections, context.Duration, context.WarmUp);

    private static string Describe(LoadResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Requests:N0} requests in {r.Seconds:F1} s, {Connections} connections, measured by {r.Driver}; " +
        $"{r.CpuMicrosecondsPerRequest:N0} µs CPU per request in this process{(r.Driver == WrkLoad.DriverName ? "" : " (the driver's included)")}");

    /// <summary>
    /// Another contract of the bench buyer for the bench offering, on the same terms as the first; under another
    /// purpose, as a buyer holds one contract per offering and purpose.
    /// </summary>
    private static async Task<string> NewContractAsync(Uri baseUri, string buyerKey)
    {
        using var buyer = Client(baseUri, buyerKey);
        return (await Json(await buyer.PostAsJsonAsync("/api/v1/offerings/bench-offer/contracts", new { purpose = "research-keyed" }))).GetProperty("id").GetString()!;
    }

    /// <summary>
    /// An information bank's personal dataset (a subject field, consent asked per person), every person consenting
    /// to the buyer's purpose, and the buyer's approved contract for it: each fetch goes through the consent filter
    /// and writes its provision record.
    /// </summary>
    private static async Task<(string ContractId, string BuyerKey)> ArrangePersonalContractAsync(Uri baseUri, string data, int people)
    {
        using var op = Client(baseUri, File.ReadAllText(Path.Combine(data, "operator.key")).Trim());
        async Task<string> Party(string id, string role) =>
            (await Json(await op.PostAsJsonAsync("/api/v1/parties", new { id, role, name = id }))).GetProperty("apiKey").GetString()!;
        using var bank = Client(baseUri, await Party("bench-bank", "information-bank"));
        var buyerKey = await Party("bench-researcher", "buyer");
        using var buyer = Client(baseUri, buyerKey);
        await Json(await bank.PostAsJsonAsync("/api/v1/datasets", new
        {
            id = "bench-personal", @class = "personal", title = "Bench personal", licence = "proprietary",
            schema = new
            {
                fields = new object[]
                {
                    new { name = "resident_id", type = "string", required = true },
                    new { name = "age", type = "integer", required = true },
                    new { name = "hba1c", type = "number", required = true },
                },
                subjectField = "resident_id",
            },
            personal = new { category = "health", items = new object[] { new { field = "age" }, new { field = "hba1c", sensitive = true } } },
        }));
        var subjects = Enumerable.Range(0, people).Select(i => $"subj-{i:D6}").ToList();
        var rows = "resident_id,age,hba1c\n" + string.Concat(subjects.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"{s},{20 + (i % 60)},{5 + (i % 10) / 10.0}\n")));
        await Json(await bank.PostAsync("/api/v1/datasets/bench-personal/revisions", new StringContent(rows, Encoding.UTF8, "text/csv")));
        await Json(await bank.PutAsJsonAsync("/api/v1/bank/reviews/bench-researcher", new { @class = "academic", purposes = new[] { Purpose }, note = "Bench." }));
        await Json(await bank.PostAsJsonAsync("/api/v1/offerings", new
        {
            id = "bench-personal-offer", datasetId = "bench-personal", approval = "provider",
            pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
            policy = new { purposes = new[] { Purpose } },
        }));
        await Json(await bank.PostAsync("/api/v1/offerings/bench-personal-offer/publish", null));
        var contract = (await Json(await buyer.PostAsJsonAsync("/api/v1/offerings/bench-personal-offer/contracts", new { purpose = Purpose }))).GetProperty("id").GetString()!;
        await Json(await bank.PostAsync($"/api/v1/contracts/{contract}/approve", null));
        await Json(await bank.PutAsJsonAsync("/api/v1/bank/notices/bench-notice", new
        {
            scope = "dataset:bench-personal", language = "en", title = "Bench", purposes = new[] { Purpose },
            recipients = new[] { new { @class = "academic", name = "Universities", country = "JP" } },
            retentionDays = 365, storageLocation = "Tokyo", benefit = "None", withdrawalMethod = "API", contact = "bench@example.jp",
        }));
        foreach (var subject in subjects)
        {
            var registered = await Json(await bank.PostAsJsonAsync("/api/v1/bank/subjects", new { subjectId = subject, displayName = subject }));
            using var person = Client(baseUri, registered.GetProperty("apiKey").GetString()!);
            await Json(await person.PostAsJsonAsync("/api/v1/subjects/me/consents", new
            {
                noticeId = "bench-notice", purposes = new[] { Purpose }, recipientClasses = new[] { "academic" },
                expiresAt = DateTimeOffset.UtcNow.AddDays(30), sensitiveExplicit = true,
            }));
        }
        return (contract, buyerKey);
    }

    /// <summary>
    /// The bare endpoint: a terminal branch mapped ahead of the marketplace's middleware in the same app, answering
    /// the bytes and content type the brokered fetch answered (captured once, after the arrangement).
    /// </summary>
    private sealed class BareBody
    {
        public byte[] Body { get; private set; } = [];

        public string ContentType { get; private set; } = "application/json";

        public void Map(WebApplication app) => app.Map(BarePath, branch => branch.Run(http =>
        {
            http.Response.ContentType = ContentType;
            http.Response.ContentLength = Body.Length;
            return http.Response.Body.WriteAsync(Body).AsTask();
        }));

        public async Task CaptureAsync(Uri baseUri, string path, string buyerKey) =>
            (Body, ContentType) = await FetchAsync(baseUri, path, buyerKey);

        /// <summary>One fetch of a 10-record page, which must succeed with 10 records.</summary>
        public static async Task<(byte[] Body, string ContentType)> FetchAsync(Uri baseUri, string path, string buyerKey)
        {
            using var client = Client(baseUri, buyerKey);
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode || System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("count").GetInt32() != 10)
            {
                throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
            }
            return (body, response.Content.Headers.ContentType?.ToString() ?? "application/json");
        }
    }
}
