using Marketplace.Client.Tests.Support;
using Marketplace.Host.Tests;

namespace Marketplace.Client.Tests;

/// <summary>The sample city's seeder against a real marketplace process: killed half-way, then run again.</summary>
public sealed class SeedingOnHostTests : IAsyncLifetime
{
    private const string ReadyLine = "The sample city is ready.";

    private readonly string work = Path.Combine(Path.GetTempPath(), "seeding-on-host-" + Guid.NewGuid().ToString("N"));
    private HostProcess host = null!;

    public async Task InitializeAsync() => host = await HostProcess.StartAsync(Path.Combine(work, "data"));

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
    public async Task A_seeding_killed_half_way_is_finished_by_the_next_run_and_a_lost_keys_file_is_rebuilt_with_new_keys()
    {
        var killed = await SeedAsync(killWhen: line => line.StartsWith("  dataset ", StringComparison.Ordinal));
        Assert.DoesNotContain(ReadyLine, killed.Output, StringComparison.Ordinal);

        var resumed = await SeedAsync();
        var again = await SeedAsync();

        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.EndsWith(ReadyLine, resumed.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith(ReadyLine, again.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("issued a new key", again.Output, StringComparison.Ordinal);
        File.Delete(Path.Combine(work, "data", "demo-keys.env"));
        var rekeyed = await SeedAsync();
        // Registering a party again with the same role and name answers 201 with a new key (the marketplace never
        // shows a key twice), so each party comes back with a new key either way.
        Assert.Equal(Parties.Length, rekeyed.Output.Split('\n').Count(l => l.StartsWith("  party ", StringComparison.Ordinal)));

        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl + "/") };
        var keys = Keys();
        var client = new MarketplaceClient(http, keys["MARKETPLACE_OPERATOR_KEY"], attempts: 1);
        foreach (var (variable, party) in Parties)
        {
            Assert.Equal(party, (await client.WithKey(keys[variable]).WhoAmIAsync()).Id);
        }

        var university = client.WithKey(keys["UNIVERSITY_KEY"]);
        Assert.Equal(7, (await university.SearchCatalogAsync(new CatalogQuery(PageSize: 100))).Total);
        var contract = Assert.Single((await university.ListContractsAsync(offeringId: "station-entries-per-record")).Items);
        Assert.Equal((ContractStatuses.Active, "research"), (contract.Status, contract.Purpose));
        Assert.Single((await client.WithKey(keys["MOBILITY_KEY"]).ListContractsAsync(offeringId: "bus-stops-open")).Items);
        var rail = client.WithKey(keys["RAIL_KEY"]);
        Assert.Single((await rail.GetDatasetAsync("station-entries-hourly")).Revisions);
    }

    private static readonly (string Variable, string Party)[] Parties =
    [
        ("CITY_KEY", "city-of-minato-mirai"), ("RAIL_KEY", "minato-rail"), ("RETAIL_KEY", "harbor-retail"),
        ("INFOBANK_KEY", "minato-infobank"), ("MOBILITY_KEY", "mobility-startup"), ("UNIVERSITY_KEY", "minato-university"),
        ("INSURER_KEY", "sakura-insurance"),
    ];

    private Dictionary<string, string> Keys() => File.ReadAllLines(Path.Combine(work, "data", "demo-keys.env"))
        .Select(l => l["export ".Length..].Split('=', 2))
        .ToDictionary(p => p[0], p => p[1]);

    private Task<(int ExitCode, string Output)> SeedAsync(Func<string, bool>? killWhen = null) =>
        ChildProcess.RunAsync("dotnet", ChildProcess.SeedArguments(host.BaseUrl), work, new Dictionary<string, string>(), killWhen);
}
