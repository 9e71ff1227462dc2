using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Client.Tests.Support;
using Marketplace.Host.Tests;

namespace Marketplace.Client.Tests;

/// <summary>
/// Two marketplaces started and seeded as the README's two-city walk-through starts them (<c>build.ps1 run</c>, and
/// <c>run -Url … -DataDir ./data-b</c>): separate processes, ports and data directories.
/// </summary>
public sealed class TwoCities : IAsyncLifetime
{
    public string Work { get; } = Path.Combine(Path.GetTempPath(), "readme-two-cities-" + Guid.NewGuid().ToString("N"));

    public HostProcess CityA { get; private set; } = null!;

    public HostProcess CityB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Work);
        // As build.ps1 run starts each city: a rehearsal marketplace with a test clock and a (fictional) registered issuer.
        string[] run = ["--Marketplace:TestClock:Enabled=true", "--Marketplace:Billing:IssuerName=港未来市データ取引所 (Minato-Mirai Data Exchange)",
            "--Marketplace:Billing:IssuerRegistration=T9000000000009"];
        var a = HostProcess.StartAsync(Path.Combine(Work, "data"), run);
        var b = HostProcess.StartAsync(Path.Combine(Work, "data-b"), run);
        (CityA, CityB) = (await a, await b);
        await SeedAsync(CityA, "data");
        await SeedAsync(CityB, "data-b");
    }

    private async Task SeedAsync(HostProcess city, string dataDirectory)
    {
        var seeding = await ChildProcess.RunAsync("dotnet",
            [ChildProcess.SeederPath, "seed", "--url", city.BaseUrl, "--operator-key-file", Path.Combine(dataDirectory, "operator.key"),
             "--keys-file", Path.Combine(dataDirectory, "demo-keys.env")], Work, new Dictionary<string, string>());
        Assert.True(seeding.ExitCode == 0, seeding.Output);
    }

    public async Task DisposeAsync()
    {
        await CityA.DisposeAsync();
        await CityB.DisposeAsync();
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// The README's two-city walk-through and its open-data endpoints, run as written (bash, curl) against
/// <see cref="TwoCities"/>: the README cannot promise what the two processes do not answer.
/// </summary>
public sealed class TwoCitiesWalkthroughTests(TwoCities cities) : IClassFixture<TwoCities>
{
    [Fact]
    public async Task The_two_city_walkthrough_harvests_relays_and_ends_with_both_ledgers_agreeing_as_the_readme_says()
    {
        var calls = Path.Combine(cities.Work, "two-cities-calls");
        Directory.CreateDirectory(calls);
        var script = Path.Combine(cities.Work, "two-cities.sh");
        await File.WriteAllTextAsync(script, ReadmeScript.Prelude + ReadmeScript.Blocks("two-cities"));

        var walk = await ChildProcess.RunAsync("bash", ["-euo", "pipefail", script], cities.Work, new Dictionary<string, string>
        {
            ["CITY_A_URL"] = cities.CityA.BaseUrl,
            ["CITY_B_URL"] = cities.CityB.BaseUrl,
            ["WALKTHROUGH_CALLS"] = calls,
        });

        var answers = Enumerable.Range(1, ReadmeScript.CallCount(calls)).Select(n => (
            Url: File.ReadAllText(Path.Combine(calls, $"{n}.args")).Split('\0').Single(a => a.StartsWith("http", StringComparison.Ordinal)),
            Body: File.ReadAllText(Path.Combine(calls, $"{n}.out")))).ToList();
        Assert.True(walk.ExitCode == 0, $"The walk-through stopped (exit {walk.ExitCode}):\n{walk.Output}");
        JsonElement Answer(string pattern) => JsonDocument.Parse(answers.Single(a => Regex.IsMatch(a.Url, pattern)).Body).RootElement;

        // 1. "created: 3, B's open data", each listing with its origin in city B.
        Assert.Equal(3, Answer("/harvest-sources/hs-[^/]+/harvest$").GetProperty("created").GetInt32());
        var harvested = Answer(@"/api/v1/catalog\?provider=").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, harvested.Count);
        Assert.All(harvested, l => Assert.StartsWith(cities.CityB.BaseUrl, l.GetProperty("origin").GetProperty("sourceLink").GetString(), StringComparison.Ordinal));
        // 4. B's records, read through A.
        Assert.Equal(5, Answer("/records\\?limit=5$").GetProperty("records").GetArrayLength());
        // 5. "5 records metered in each city; B charges A ¥10, A's buyer pays ¥15", and the ledgers agree.
        var reconciliation = Answer("/reconciliation\\?period=");
        Assert.True(reconciliation.GetProperty("agreed").GetBoolean(), reconciliation.ToString());
        Assert.Equal((5L, 5L, 10L, 15L, 5L), (reconciliation.GetProperty("localUnits").GetInt64(), reconciliation.GetProperty("partnerUnits").GetInt64(),
            Minor(reconciliation, "partnerCharge"), Minor(reconciliation, "localCharge"), Minor(reconciliation, "expectedMargin")));
    }

    [Fact]
    public async Task Every_open_data_command_the_readme_shows_answers_on_the_sample_city()
    {
        var commands = OpenDataCommands(cities.CityA.BaseUrl);
        Assert.Contains(commands, c => c.Contains("/catalog.ttl", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("/datasets/bus-stops-open.jsonld", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("/api/3/action/package_search", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("/policy.jsonld", StringComparison.Ordinal));

        foreach (var command in commands)
        {
            // --fail-with-body: a 4xx or 5xx answer fails the command, as the README's own walk-through does.
            var run = await ChildProcess.RunAsync("bash", ["-euo", "pipefail", "-c", Regex.Replace(command, @"^curl ", "curl -sS --fail-with-body -o /dev/null ")],
                cities.Work, new Dictionary<string, string>());
            Assert.True(run.ExitCode == 0, $"{command}\n{run.Output}");
        }
    }

    private static long Minor(JsonElement parent, string money) => parent.GetProperty(money).GetProperty("minorUnits").GetInt64();

    /// <summary>
    /// The curl commands of the README's "Open-data standards" section that need no key (the ones with a shell variable
    /// need a contract and a buyer's key: the walk-through covers those), their continuation lines joined, aimed at
    /// <paramref name="baseUrl"/> instead of the default address.
    /// </summary>
    private static List<string> OpenDataCommands(string baseUrl)
    {
        var readme = File.ReadAllText(Path.Combine(ChildProcess.Repository, "README.md"));
        var start = readme.IndexOf("## Open-data standards", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no \"Open-data standards\" section.");
        var joined = readme[start..end].Replace("\\\n", " ", StringComparison.Ordinal);
        return [.. joined.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("curl ", StringComparison.Ordinal) && !l.Contains('$', StringComparison.Ordinal))
            .Select(l => l.Replace("http://127.0.0.1:5000", baseUrl, StringComparison.Ordinal))];
    }
}
