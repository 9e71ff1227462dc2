using Marketplace.Client;
using Marketplace.Samples.SmartCity.City;
using Marketplace.Samples.SmartCity.Seeding;
using Marketplace.Samples.Tests.Support;

namespace Marketplace.Samples.Tests;

/// <summary>
/// A first run stopped at any moment (Ctrl+C, a kill, a lost connection) is finished by the next run: the city
/// ends exactly as an uninterrupted run leaves it, and the keys file holds a working key for every party.
/// </summary>
public sealed class SeedingResumeTests : IDisposable
{
    /// <summary>
    /// 7 parties, 4 billing profiles, 2 contact addresses, 8 demo people (one per party and the operator's), 7 datasets and their revisions,
    /// 7 offerings and their publication, 2 contracts, 1 approval; then the bank's notice and 24 residents, each registered and consenting.
    /// </summary>
    /// <remarks>h3 (issue 12): and the live air-quality dataset, its City OS feed and the 10 stations' notifications.</remarks>
    private const int StateChanges = 113;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "smart-city-resume-" + Guid.NewGuid().ToString("N"));

    private string KeysFile => Path.Combine(directory, "demo-keys.env");

    public static TheoryData<int, bool> Interruptions()
    {
        var data = new TheoryData<int, bool>();
        for (var change = 1; change <= StateChanges; change++)
        {
            data.Add(change, false);
            data.Add(change, true);
        }

        return data;
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task An_uninterrupted_run_makes_as_many_changes_as_the_city_has_items()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace, new StringWriter());

        Assert.Equal(StateChanges, marketplace.Changes);
    }

    [Theory]
    [MemberData(nameof(Interruptions))]
    public async Task A_run_cut_off_at_any_change_is_finished_by_the_next_run_as_if_never_interrupted(int change, bool answerLost)
    {
        var expected = await Uninterrupted.Value;
        using var marketplace = new FakeMarketplace { CutAtChange = change, LoseAnswer = answerLost };
        var first = new StringWriter();

        await Assert.ThrowsAsync<HttpRequestException>(() => SeedAsync(marketplace, first));
        marketplace.Reconnect();
        var second = new StringWriter();
        await SeedAsync(marketplace, second);

        Assert.DoesNotContain(Seeder.ReadyLine, first.ToString(), StringComparison.Ordinal);
        Assert.EndsWith(Seeder.ReadyLine, second.ToString().TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(expected, marketplace.Snapshot());
        AssertEveryPartyKeyWorks(marketplace);
    }

    [Fact]
    public async Task Seeding_a_complete_city_again_changes_nothing_and_says_it_is_ready()
    {
        using var marketplace = new FakeMarketplace();
        await SeedAsync(marketplace, new StringWriter());
        var keysBefore = await File.ReadAllTextAsync(KeysFile);
        var again = new StringWriter();

        await SeedAsync(marketplace, again);

        Assert.Equal(StateChanges, marketplace.Changes);
        Assert.Equal(keysBefore, await File.ReadAllTextAsync(KeysFile));
        Assert.EndsWith(Seeder.ReadyLine, again.ToString().TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_party_whose_key_was_lost_gets_a_new_key_from_the_operator()
    {
        using var marketplace = new FakeMarketplace();
        await SeedAsync(marketplace, new StringWriter());
        File.Delete(KeysFile);

        await SeedAsync(marketplace, new StringWriter());

        Assert.Equal(SampleCity.Parties.Count, marketplace.Exchanges.Count(e => e.Method == "POST" && e.Path.EndsWith("/keys", StringComparison.Ordinal)));
        AssertEveryPartyKeyWorks(marketplace);
    }

    [Fact]
    public async Task A_party_registered_with_other_details_stops_seeding_with_the_difference()
    {
        using var marketplace = new FakeMarketplace();
        using (var http = marketplace.Client())
        {
            await new MarketplaceClient(http, FakeMarketplace.OperatorKey, attempts: 1)
                .CreatePartyAsync(new("minato-rail", PartyRoles.Buyer, "Someone else"));
        }

        var mismatch = await Assert.ThrowsAsync<CityMismatchException>(() => SeedAsync(marketplace, new StringWriter()));

        Assert.Equal(
            "Party minato-rail exists as a buyer named 'Someone else', not as the sample city's provider 'みなと鉄道株式会社 (Minato Rail)'.",
            mismatch.Message);
    }

    [Fact]
    public async Task The_information_bank_registers_as_one_where_the_marketplace_knows_the_role()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace, new StringWriter());

        Assert.Contains("party minato-infobank information-bank", marketplace.Snapshot(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_information_bank_registers_as_a_provider_where_the_marketplace_refuses_that_role()
    {
        using var marketplace = new FakeMarketplace { KnowsInformationBanks = false };

        await SeedAsync(marketplace, new StringWriter());

        Assert.Contains("party minato-infobank provider", marketplace.Snapshot(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_keys_file_is_readable_by_its_owner_only_and_no_temporary_file_is_left()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace, new StringWriter());

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeysFile));
        }

        Assert.Equal([KeysFile], Directory.GetFiles(directory));
    }

    private void AssertEveryPartyKeyWorks(FakeMarketplace marketplace)
    {
        var keys = SmartCity.Seeding.KeysFile.Load(KeysFile);
        Assert.All(SampleCity.Parties, p => Assert.Equal(p.Id, marketplace.PartyOf(keys[p.KeyVariable] ?? "")));
        Assert.Equal(FakeMarketplace.OperatorKey, keys[SampleCity.OperatorKeyVariable]);
        // And every demo person's saved password is the one they sign in with.
        Assert.All(SampleCity.Parties.Select(p => (Id: p.Id, KeyVariable: p.KeyVariable)).Prepend((Id: "operator", KeyVariable: SampleCity.OperatorKeyVariable)), p =>
            Assert.Equal(marketplace.PasswordOf(DemoPeople.SignInOf(p.Id)), keys[DemoPeople.PasswordVariable(p.KeyVariable)]));
    }

    /// <summary>What an uninterrupted run leaves, computed once for every case.</summary>
    private static readonly Lazy<Task<string>> Uninterrupted = new(UninterruptedSnapshotAsync);

    private static async Task<string> UninterruptedSnapshotAsync()
    {
        using var marketplace = new FakeMarketplace();
        var keysFile = Path.Combine(Path.GetTempPath(), $"smart-city-uninterrupted-{Guid.NewGuid():N}.env");
        using var http = marketplace.Client();
        await new Seeder(new MarketplaceClient(http, FakeMarketplace.OperatorKey, attempts: 1), new StringWriter())
            .SeedAsync(FakeMarketplace.OperatorKey, keysFile, CancellationToken.None);
        File.Delete(keysFile);
        return marketplace.Snapshot();
    }

    private async Task SeedAsync(FakeMarketplace marketplace, StringWriter output)
    {
        using var http = marketplace.Client();
        var client = new MarketplaceClient(http, FakeMarketplace.OperatorKey, attempts: 1);
        await new Seeder(client, output).SeedAsync(FakeMarketplace.OperatorKey, KeysFile, CancellationToken.None);
    }
}
