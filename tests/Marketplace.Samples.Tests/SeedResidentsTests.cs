using Marketplace.Client;
using Marketplace.Samples.SmartCity.Seeding;
using Marketplace.Samples.Tests.Support;

namespace Marketplace.Samples.Tests;

/// <summary>The information bank's demo residents: a notice first, consents across purposes given by each resident, two portal sign-ins printed.</summary>
public sealed class SeedResidentsTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "smart-city-residents-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter output = new();

    private string KeysFile => Path.Combine(directory, "demo-keys.env");

    public void Dispose()
    {
        output.Dispose();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_bank_publishes_its_notice_before_any_resident_consents()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        var paths = marketplace.Exchanges.Select(e => e.Path).ToList();
        Assert.True(paths.IndexOf("api/v1/bank/notices/health-checks") < paths.IndexOf("api/v1/subjects/me/consents"));
    }

    [Fact]
    public async Task Each_resident_consents_with_their_own_key_and_together_they_cover_every_purpose_of_the_notice()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        Assert.Equal(SeedResidents.Count, marketplace.Consents.Count);
        var purposes = marketplace.Consents.Values.SelectMany(c => c["purposes"]!.AsArray().Select(p => p!.GetValue<string>())).ToHashSet();
        Assert.Equal(SeedResidents.Notice.Purposes.Order(), purposes.Order());
        Assert.All(marketplace.Exchanges.Where(e => e.Path == "api/v1/subjects/me/consents"),
            e => Assert.StartsWith("subject:", marketplace.PartyOf(e.ApiKey!), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_residents_sign_ins_are_printed_with_the_other_demo_people()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        var lines = output.ToString().Split('\n');
        for (var i = 0; i < SeedResidents.WithSignIn; i++)
        {
            var signIn = SeedResidents.SignInOf(i);
            Assert.Contains(lines, line => line.Contains($" {signIn} ", StringComparison.Ordinal)
                && line.TrimEnd().EndsWith(" " + marketplace.PasswordOf(signIn), StringComparison.Ordinal));
        }
    }

    private async Task SeedAsync(FakeMarketplace marketplace)
    {
        using var http = marketplace.Client();
        var client = new MarketplaceClient(http, FakeMarketplace.OperatorKey, attempts: 1);
        await new Seeder(client, output).SeedAsync(FakeMarketplace.OperatorKey, KeysFile, CancellationToken.None);
    }
}
