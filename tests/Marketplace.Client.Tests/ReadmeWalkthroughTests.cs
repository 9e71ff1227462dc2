using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Client.Tests.Support;
using Marketplace.Host.Tests;

namespace Marketplace.Client.Tests;

/// <summary>
/// The README's walk-through, run as written (<c>bash -euo pipefail</c>, curl) against a fresh marketplace process
/// seeded the way <c>build.ps1 run</c> seeds it, with every answer checked exactly: the README cannot drift from
/// the product. A shell function wrapping curl records each call's arguments, headers and body for the checks.
/// </summary>
public sealed class ReadmeWalkthroughTests : IAsyncLifetime
{
    private readonly string work = Path.Combine(Path.GetTempPath(), "readme-walkthrough-" + Guid.NewGuid().ToString("N"));
    private HostProcess host = null!;

    private string Calls => Path.Combine(work, "calls");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Calls);
        // As build.ps1 run starts it: a rehearsal marketplace with a test clock and a (fictional) registered issuer.
        host = await HostProcess.StartAsync(Path.Combine(work, "data"),
            ["--Marketplace:TestClock:Enabled=true", "--Marketplace:Billing:IssuerName=港未来市データ取引所 (Minato-Mirai Data Exchange)",
             "--Marketplace:Billing:IssuerRegistration=T9000000000009"]);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task The_readme_walkthrough_answers_exactly_as_the_readme_says()
    {
        var seeding = await RunAsync("dotnet", ChildProcess.SeedArguments(host.BaseUrl));
        Assert.True(seeding.ExitCode == 0, seeding.Output);
        Assert.EndsWith("The sample city is ready.", seeding.Output.TrimEnd(), StringComparison.Ordinal);

        var script = Path.Combine(work, "walkthrough.sh");
        await File.WriteAllTextAsync(script, ReadmeScript.Prelude + ReadmeScript.Blocks("walkthrough"));
        var walk = await RunAsync("bash", ["-euo", "pipefail", script]);
        var calls = ReadCalls();
        Assert.True(walk.ExitCode == 0, $"The walk-through stopped (exit {walk.ExitCode}):\n{walk.Output}\n{Describe(calls)}");

        // curl's answers end without a newline, so the script's "echo contract …" line may follow one on the same line.
        var echoed = Regex.Match(walk.Output, "contract (ctr-[a-z0-9]+)\n");
        Assert.True(echoed.Success, walk.Output);
        var contract = echoed.Groups[1].Value;
        // The billing period the walk-through closes: the month the marketplace is in, in Tokyo.
        var tokyo = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        var period = tokyo.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var next = tokyo.AddMonths(1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        // The journeys' statistics contract, made by the walk-through too.
        var flows = Regex.Match(string.Join('\n', calls.Select(c => c.Request)), "contracts/(ctr-[a-z0-9]+)/aggregate").Groups[1].Value;
        // The university's contract on the health checks, and resident 1's consent, made by the walk-through too.
        var health = Regex.Match(string.Join('\n', calls.Select(c => c.Request)), @"contracts/(ctr-[a-z0-9]+)/records\?limit=1000").Groups[1].Value;
        var mine = Regex.Match(string.Join('\n', calls.Select(c => c.Request)), "consents/(consent-[a-z0-9]+)/withdraw").Groups[1].Value;
        var expected = new (string Call, int Status, Action<Call> Check)[]
        {
            ("POST /api/v1/datasets", 201, c => Assert.Equal(("platform-crowding", "private"), (c.Text("id"), c.Text("class")))),
            ("POST /api/v1/datasets/platform-crowding/revisions", 201, c =>
            {
                Assert.Equal(3, c.Json.GetProperty("records").GetInt64());
                Assert.StartsWith("rev-", c.Text("revisionId"), StringComparison.Ordinal);
            }),
            ("POST /api/v1/offerings", 201, c => Assert.Equal("draft", c.Text("status"))),
            ("POST /api/v1/offerings/platform-crowding-per-record/publish", 200, c => Assert.Equal("listed", c.Text("status"))),
            ("GET /api/v1/catalog?q=crowding&class=private", 200, c =>
            {
                Assert.Equal(1, c.Json.GetProperty("total").GetInt64());
                Assert.Equal("platform-crowding-per-record", Assert.Single(c.Items()).GetProperty("offeringId").GetString());
            }),
            ("POST /api/v1/offerings/platform-crowding-per-record/contracts", 201, c =>
                Assert.Equal((contract, "requested", "research"), (c.Text("id"), c.Text("status"), c.Text("purpose")))),
            ("GET /api/v1/contracts?status=requested", 200, c =>
                Assert.Equal([contract], c.Items().Select(i => i.GetProperty("id").GetString()))),
            ($"POST /api/v1/contracts/{contract}/approve", 200, c => Assert.Equal("active", c.Text("status"))),
            ($"GET /api/v1/contracts/{contract}/records?limit=2", 200, c =>
            {
                Assert.Equal((2, 2), (c.Json.GetProperty("count").GetInt32(), c.Json.GetProperty("unitsMetered").GetInt32()));
                Assert.NotNull(c.Text("nextCursor"));
                Assert.DoesNotContain("Idempotent-Replayed", c.Headers, StringComparison.OrdinalIgnoreCase);
            }),
            ($"GET /api/v1/contracts/{contract}/records?limit=2", 200, c =>
                Assert.Contains("Idempotent-Replayed: true", c.Headers, StringComparison.OrdinalIgnoreCase)),
            ($"GET /api/v1/contracts/{contract}/records?station_id=MM02", 200, c =>
            {
                Assert.Equal((1, 1), (c.Json.GetProperty("count").GetInt32(), c.Json.GetProperty("unitsMetered").GetInt32()));
                Assert.Equal("MM02", c.Json.GetProperty("records")[0].GetProperty("station_id").GetString());
            }),
            ("GET /api/v1/usage", 200, c =>
            {
                // "3 records metered (¥9): the replay was not counted."
                var line = Assert.Single(c.Items());
                Assert.Equal(contract, line.GetProperty("contractId").GetString());
                Assert.Equal(3, line.GetProperty("units").GetInt64());
                Assert.Equal((9, "JPY"), (line.GetProperty("charge").GetProperty("minorUnits").GetInt64(), line.GetProperty("charge").GetProperty("currency").GetString()));
            }),
            ("POST /api/v1/offerings/journeys-od-flows/contracts", 201, c =>
            {
                Assert.Equal((flows, "requested", "city-planning"), (c.Text("id"), c.Text("status"), c.Text("purpose")));
                Assert.Equal("free", c.Json.GetProperty("pricing").GetProperty("model").GetString());
            }),
            ($"POST /api/v1/contracts/{flows}/approve", 200, c => Assert.Equal("active", c.Text("status"))),
            ("PUT /api/v1/bank/reviews/minato-university", 200, c => Assert.Equal("academic", c.Text("class"))),
            ($"GET /api/v1/contracts/{flows}/aggregate?groupBy=origin_district,destination_district&measure=duration_minutes", 200, c =>
                Assert.Equal((10, 10, 1), (c.Json.GetProperty("k").GetInt32(), c.Json.GetProperty("roundingStep").GetInt32(), c.Json.GetProperty("unitsMetered").GetInt32()))),
            ($"GET /api/v1/contracts/{flows}/records", 403, c => Assert.Equal("access.aggregate-only", c.Text("code"))),
            ("GET /api/v1/usage", 200, c => Assert.Equal(3, UsageOf(c, contract).GetProperty("units").GetInt64())),
            ("POST /api/v1/usage", 200, c =>
            {
                Assert.Equal((1, 0), (c.Json.GetProperty("accepted").GetInt32(), c.Json.GetProperty("duplicates").GetInt32()));
                Assert.Empty(c.Json.GetProperty("rejected").EnumerateArray());
            }),
            ("GET /api/v1/parties", 200, c => Assert.Superset(
                new HashSet<string?> { "city-of-minato-mirai", "minato-rail", "harbor-retail", "minato-infobank", "mobility-startup", "minato-university", "sakura-insurance" },
                c.Items().Select(p => p.GetProperty("id").GetString()).ToHashSet())),
            ("POST /api/v1/parties", 201, c => Assert.Equal(("minato-bus", "provider"), (c.Text("id"), c.Text("role")))),
            ($"POST /api/v1/contracts/{contract}/suspend", 200, c => Assert.Equal("suspended", c.Text("status"))),
            ($"GET /api/v1/contracts/{contract}/records", 403, c =>
            {
                Assert.Contains("Content-Type: application/problem+json", c.Headers, StringComparison.OrdinalIgnoreCase);
                Assert.Equal(403, c.Json.GetProperty("status").GetInt32());
                Assert.Contains("suspended", c.Text("detail"), StringComparison.OrdinalIgnoreCase);
            }),
            ($"POST /api/v1/contracts/{contract}/resume", 200, c => Assert.Equal("active", c.Text("status"))),
            ("GET /api/v1/usage", 200, c =>
            {
                // 3 records served and 5 units the provider reported, at ¥3 each.
                var line = UsageOf(c, contract);
                Assert.Equal((8, 24), (line.GetProperty("units").GetInt64(), line.GetProperty("charge").GetProperty("minorUnits").GetInt64()));
            }),
            ($"POST /api/v1/billing/periods/{period}/close", 409, c => Assert.Contains("can be closed from", c.Text("detail"), StringComparison.Ordinal)),
            ("POST /api/v1/test-clock/advance", 200, c => Assert.StartsWith(next, c.Text("currentPeriod"), StringComparison.Ordinal)),
            ($"POST /api/v1/billing/periods/{period}/close", 200, c => Assert.Equal("closed", c.Text("status"))),
            ($"GET /api/v1/billing/periods/{period}/invoices", 200, c =>
                Assert.Equal([$"inv-{period}-{contract}"], c.Items().Select(i => i.GetProperty("id").GetString()))),
            ($"GET /api/v1/invoices/inv-{period}-{contract}", 200, c =>
            {
                // "¥24 plus 10 % consumption tax, rounded down once (¥2): ¥26", a qualified invoice on Minato Rail's behalf.
                Assert.Equal((24, 2, 26), (c.Json.GetProperty("netMinor").GetInt64(), c.Json.GetProperty("taxMinor").GetInt64(), c.Json.GetProperty("totalMinor").GetInt64()));
                Assert.True(c.Json.GetProperty("qualified").GetBoolean());
                Assert.Equal(("T9000000000009", "T2000000000002"), (c.Json.GetProperty("issuer").GetProperty("registration").GetString(), c.Json.GetProperty("provider").GetProperty("registration").GetString()));
                Assert.Equal(26, c.Json.GetProperty("shares").EnumerateArray().Sum(s => s.GetProperty("amountMinor").GetInt64()));
            }),
            ($"GET /api/v1/billing/periods/{period}/statements", 200, c =>
                Assert.Equal(("minato-rail", 26), (Assert.Single(c.Items()).GetProperty("providerId").GetString(), Assert.Single(c.Items()).GetProperty("billedMinor").GetInt64()))),
            ($"POST /api/v1/billing/periods/{period}/reconciliation", 202, c =>
            {
                Assert.StartsWith($"rec-{period}-", c.Text("id"), StringComparison.Ordinal);
                Assert.Contains($"Location: /api/v1/billing/reconciliations/{c.Text("id")}", c.Headers, StringComparison.OrdinalIgnoreCase);
            }),
            ("GET /api/v1/billing/reconciliations/{run}?wait=30", 200, c =>
            {
                Assert.Equal("done", c.Text("status"));
                Assert.StartsWith($"Reconciliation {period} (", c.Text("summary"), StringComparison.Ordinal);
                Assert.DoesNotContain('\n', c.Text("summary") ?? "\n");
            }),
            ("GET /api/v1/billing/reconciliations/{run}", 200, c => Assert.StartsWith("kind,contract,buyer", c.Body, StringComparison.Ordinal)),
            ("PUT /api/v1/bank/reviews/minato-university", 200, c =>
                Assert.Equal(["city-planning", "academic-research"], c.Json.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()))),
            ("POST /api/v1/offerings/health-checks-per-record/contracts", 201, c =>
                Assert.Equal((health, "requested", "academic-research"), (c.Text("id"), c.Text("status"), c.Text("purpose")))),
            ($"POST /api/v1/contracts/{health}/approve", 200, c => Assert.Equal("active", c.Text("status"))),
            ($"GET /api/v1/contracts/{health}/records?limit=1000", 200, c =>
            {
                // "15 here ... 15 records are metered", each under a pseudonym.
                Assert.Equal((15, 15), (c.Json.GetProperty("count").GetInt32(), c.Json.GetProperty("unitsMetered").GetInt32()));
                Assert.All(c.Json.GetProperty("records").EnumerateArray(), r => Assert.StartsWith("p-", r.GetProperty("subject_id").GetString(), StringComparison.Ordinal));
            }),
            ("GET /api/v1/subjects/me/consents", 200, c => Assert.Equal("active", Assert.Single(c.Items()).GetProperty("status").GetString())),
            ("GET /api/v1/subjects/me/consents", 200, c => Assert.Equal(mine, Assert.Single(c.Items()).GetProperty("id").GetString())),
            ($"POST /api/v1/subjects/me/consents/{mine}/withdraw", 200, c => Assert.Equal("withdrawn", c.Text("status"))),
            ($"GET /api/v1/contracts/{health}/records?limit=1000", 200, c =>
                Assert.Equal((14, 14), (c.Json.GetProperty("count").GetInt32(), c.Json.GetProperty("unitsMetered").GetInt32()))),
            ("GET /api/v1/subjects/me/receipts", 200, c =>
                Assert.Equal(["withdrawn", "given"], c.Items().Select(r => r.GetProperty("kind").GetString()))),
            ("POST /api/v1/receipts/verify", 200, c => Assert.True(c.Json.GetProperty("valid").GetBoolean())),
            ("GET /api/v1/subjects/me/provisions", 200, c =>
            {
                var provision = Assert.Single(c.Items());
                Assert.Equal(("minato-university", health, "academic-research", 1L),
                    (provision.GetProperty("buyerId").GetString(), provision.GetProperty("contractId").GetString(), provision.GetProperty("purpose").GetString(), provision.GetProperty("records").GetInt64()));
            }),
        };

        // The reconciliation run's id is made by the marketplace: the checks name it {run}.
        var run = Regex.Match(string.Join('\n', calls.Select(c => c.Request)), "reconciliations/(rec-[a-z0-9-]+)").Groups[1].Value;
        calls = [.. calls.Select(c => run.Length > 0 ? c with { Request = c.Request.Replace(run, "{run}", StringComparison.Ordinal) } : c)];
        Assert.Equal(expected.Select(e => $"{e.Call} → {e.Status}"), calls.Select(c => $"{c.Request} → {c.Status}"));
        foreach (var (step, call) in expected.Zip(calls))
        {
            step.Check(call);
        }
    }

    private static JsonElement UsageOf(Call call, string contract) =>
        Assert.Single(call.Items(), i => i.GetProperty("contractId").GetString() == contract);

    private List<Call> ReadCalls()
    {
        return [.. Enumerable.Range(1, ReadmeScript.CallCount(Calls)).Select(n => Call.Read(Calls, n, host.BaseUrl))];
    }

    private static string Describe(List<Call> calls) =>
        string.Join('\n', calls.Select(c => $"{c.Request} → {c.Status}: {c.Body}"));

    private Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments) =>
        ChildProcess.RunAsync(file, arguments, work, new Dictionary<string, string>
        {
            ["MARKETPLACE_URL"] = host.BaseUrl,
            ["WALKTHROUGH_CALLS"] = Calls,
        });

    /// <summary>One curl call of the walk-through: "METHOD /path?query", its status, headers and body.</summary>
    private sealed record Call(string Request, int Status, string Headers, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        public string? Text(string property) => Json.GetProperty(property).GetString();

        public IEnumerable<JsonElement> Items() => Json.GetProperty("items").EnumerateArray();

        public static Call Read(string directory, int n, string baseUrl)
        {
            var args = File.ReadAllText(Path.Combine(directory, $"{n}.args")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var method = args.Zip(args.Skip(1)).FirstOrDefault(p => p.First == "-X").Second ?? "GET";
            var url = args.Single(a => a.StartsWith(baseUrl, StringComparison.Ordinal))[baseUrl.Length..];
            var output = File.ReadAllText(Path.Combine(directory, $"{n}.out"));
            var headersFile = Path.Combine(directory, $"{n}.headers");

            // A call that writes its own headers to stdout (-D -) has them in its output instead.
            var headers = File.Exists(headersFile) ? File.ReadAllText(headersFile) : output;
            var body = File.Exists(headersFile) ? output : "";
            var status = int.Parse(headers.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
            return new Call($"{method} {url}", status, headers, body);
        }
    }
}
