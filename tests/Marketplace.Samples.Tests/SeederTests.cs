using System.Text.Json.Nodes;
using Marketplace.Client;
using Marketplace.Samples.SmartCity.City;
using Marketplace.Samples.SmartCity.Seeding;
using Marketplace.Samples.SmartCity.Tables;
using Marketplace.Samples.Tests.Support;

namespace Marketplace.Samples.Tests;

public sealed class SeederTests : IDisposable
{
    private const string OperatorKey = FakeMarketplace.OperatorKey;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "smart-city-tests-" + Guid.NewGuid().ToString("N"));
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
    public async Task Seeding_an_empty_marketplace_creates_every_party_dataset_and_listed_offering()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        Assert.Equal(SampleCity.Parties.Select(p => p.Id), PostedIds(marketplace, "api/v1/parties"));
        Assert.Equal(SampleCity.Datasets.Select(d => d.Id).Append(CityOsFeed.DatasetId), PostedIds(marketplace, "api/v1/datasets"));
        Assert.Equal(SampleCity.Offerings.Select(o => o.Id), PostedIds(marketplace, "api/v1/offerings"));
        Assert.All(SampleCity.Offerings, o =>
            Assert.Contains(marketplace.Exchanges, e => e.Path == $"api/v1/offerings/{o.Id}/publish"));
        Assert.All(marketplace.Exchanges.Where(e => e.Path == "api/v1/parties"), e => Assert.Equal(OperatorKey, e.ApiKey));
    }

    [Fact]
    public async Task Each_provider_uploads_its_own_rows_in_the_datasets_format()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        Assert.All(SampleCity.Datasets, d =>
        {
            var upload = marketplace.Exchanges.Single(e => e.Path == $"api/v1/datasets/{d.Id}/revisions");
            Assert.Equal(FakeMarketplace.KeyOf(d.ProviderId), upload.ApiKey);
            Assert.Equal(d.Format.MediaType, upload.ContentType);
            Assert.Equal(d.Table.Rows().Count(), upload.Body.Count(c => c == '\n') - (d.Format == RowFormat.Csv ? 1 : 0));
        });
    }

    [Fact]
    public async Task The_citys_datasets_declare_their_place_and_extent_and_its_providers_a_contact_address()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        var busStops = Posted(marketplace, "api/v1/datasets").Single(n => (string?)n["id"] == "bus-stops");
        Assert.Equal("https://sws.geonames.org/1848354/", (string?)busStops["spatialIri"]);
        Assert.StartsWith("POLYGON((139.615 35.445,", (string?)busStops["bbox"], StringComparison.Ordinal);
        Assert.Equal("opendata@city.minato-mirai.example", marketplace.Contacts["city-of-minato-mirai"]);
    }

    [Fact]
    public async Task Dataset_and_offering_bodies_use_the_apis_camel_case_and_lower_case_words()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        var healthChecks = Posted(marketplace, "api/v1/datasets").Single(n => (string?)n["id"] == "health-checks");
        Assert.Equal("personal", (string?)healthChecks["class"]);
        Assert.Equal("subject_id", (string?)healthChecks["schema"]!["subjectField"]);
        Assert.Equal("2026-10-01T00:00:00+09:00", (string?)healthChecks["temporalStart"]);
        Assert.Equal("date", (string?)healthChecks["schema"]!["fields"]![1]!["type"]);

        var rail = Posted(marketplace, "api/v1/offerings").Single(n => (string?)n["id"] == "station-entries-per-record");
        Assert.Equal("per-unit", (string?)rail["pricing"]!["model"]);
        Assert.Equal("record", (string?)rail["pricing"]!["unit"]);
        Assert.Equal(10, (int?)rail["pricing"]!["unitBlock"]);
        Assert.Equal(100_000, (long?)rail["policy"]!["maxUnitsPerPeriod"]);
        Assert.Equal("provider", (string?)rail["approval"]);
    }

    [Fact]
    public async Task The_journeys_are_declared_as_mobility_data_and_offered_as_aggregates_only_free_for_city_planning()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        var journeys = Posted(marketplace, "api/v1/datasets").Single(n => (string?)n["id"] == "journeys");
        Assert.Equal(("personal", "mobility", false), ((string?)journeys["class"], (string?)journeys["personal"]!["category"], (bool?)journeys["personal"]!["items"]![0]!["sensitive"]));
        var flows = Posted(marketplace, "api/v1/offerings").Single(n => (string?)n["id"] == "journeys-od-flows");
        var aggregates = flows["policy"]!["aggregates"]!;
        Assert.Equal((10, 10, true), ((int?)aggregates["k"], (int?)aggregates["roundingStep"], (bool?)aggregates["aggregateOnly"]));
        Assert.Equal(("request", "city-planning", "free"),
            ((string?)flows["pricing"]!["unit"], (string?)flows["purposePrices"]![0]!["purpose"], (string?)flows["purposePrices"]![0]!["pricing"]!["model"]));
    }

    [Fact]
    public async Task The_university_contract_is_approved_by_the_rail_company_and_the_bus_stop_one_starts_at_once()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        var university = marketplace.Exchanges.Single(e => e.Path == "api/v1/offerings/station-entries-per-record/contracts");
        Assert.Equal(FakeMarketplace.KeyOf("minato-university"), university.ApiKey);
        var approval = Assert.Single(marketplace.Exchanges, e => e.Path.EndsWith("/approve", StringComparison.Ordinal));
        Assert.Equal(FakeMarketplace.KeyOf("minato-rail"), approval.ApiKey);
        var mobility = marketplace.Exchanges.Single(e => e.Path == "api/v1/offerings/bus-stops-open/contracts");
        Assert.Equal(FakeMarketplace.KeyOf("mobility-startup"), mobility.ApiKey);
    }

    [Fact]
    public async Task The_keys_file_exports_the_operator_and_every_party_key_in_order_then_the_demo_peoples_passwords()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);

        string[] expected =
        [
            "export MARKETPLACE_OPERATOR_KEY=operator_key",
            "export CITY_KEY=key_city_of_minato_mirai",
            "export RAIL_KEY=key_minato_rail",
            "export RETAIL_KEY=key_harbor_retail",
            "export INFOBANK_KEY=key_minato_infobank",
            "export MOBILITY_KEY=key_mobility_startup",
            "export UNIVERSITY_KEY=key_minato_university",
            "export INSURER_KEY=key_sakura_insurance",
            "export MARKETPLACE_OPERATOR_PASSWORD=one-time-0",
            "export CITY_PASSWORD=one-time-1",
            "export RAIL_PASSWORD=one-time-2",
            "export RETAIL_PASSWORD=one-time-3",
            "export INFOBANK_PASSWORD=one-time-4",
            "export MOBILITY_PASSWORD=one-time-5",
            "export UNIVERSITY_PASSWORD=one-time-6",
            "export INSURER_PASSWORD=one-time-7",
            "export RESIDENT1_PASSWORD=one-time-8",
            "export RESIDENT2_PASSWORD=one-time-9",
            "export RESIDENTS_SEEDED=24",
        ];
        var lines = await File.ReadAllLinesAsync(KeysFile);
        // The demo residents' own keys follow their passwords; their values name the (generated) subject.
        Assert.Equal(expected, lines.Where(l => !l.Contains("_KEY=key_subject_", StringComparison.Ordinal)));
        Assert.Equal(["export RESIDENT1_KEY=", "export RESIDENT2_KEY="],
            lines.Where(l => l.Contains("_KEY=key_subject_", StringComparison.Ordinal)).Select(l => l[..(l.IndexOf('=', StringComparison.Ordinal) + 1)]));
        Assert.Contains(output.ToString().Split('\n'), line =>
            line.StartsWith("mobility-startup ", StringComparison.Ordinal) && line.Contains(" demo@mobility-startup.example.jp ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(" one-time-5", StringComparison.Ordinal));
        Assert.EndsWith($"source {KeysFile} to use them\n{Seeder.ReadyLine}", output.ToString().TrimEnd().ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_upload_surfaces_the_problems_title_and_detail_and_keeps_the_keys()
    {
        using var marketplace = new FakeMarketplace { FailingPath = "api/v1/datasets/bus-stops/revisions" };

        var problem = await Assert.ThrowsAsync<MarketplaceProblemException>(() => SeedAsync(marketplace));

        using var error = new StringWriter();
        problem.WriteTo(error);
        Assert.StartsWith(
            "POST /api/v1/datasets/bus-stops/revisions failed: 422 Rows do not fit the schema\n2 rows were refused.\n",
            error.ToString().ReplaceLineEndings("\n"),
            StringComparison.Ordinal);
        Assert.Contains("\"line\":3", error.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(KeysFile));
        Assert.DoesNotContain(Seeder.ReadyLine, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_live_air_quality_sensors_arrive_as_ngsi_ld_notifications_once_however_often_the_city_is_seeded()
    {
        using var marketplace = new FakeMarketplace();

        await SeedAsync(marketplace);
        await SeedAsync(marketplace);

        var notifications = marketplace.Exchanges.Where(e => e.Path == $"api/v1/datasets/{CityOsFeed.DatasetId}/ngsi-ld/notify").ToList();
        Assert.Equal(2 * Marketplace.Samples.SmartCity.Generation.AirQuality.Stations, notifications.Count);
        Assert.All(notifications, n => Assert.Equal("application/json; charset=utf-8", n.ContentType));
        Assert.All(notifications, n => Assert.Equal("Notification", (string?)JsonNode.Parse(n.Body)!["type"]));
        Assert.Equal(Marketplace.Samples.SmartCity.Generation.AirQuality.Stations, marketplace.NotifiedRecords[CityOsFeed.DatasetId]);
    }

    private static IEnumerable<JsonNode> Posted(FakeMarketplace marketplace, string path) => marketplace.Exchanges
        .Where(e => e.Method == "POST" && e.Path == path)
        .Select(e => JsonNode.Parse(e.Body)!);

    private static IEnumerable<string?> PostedIds(FakeMarketplace marketplace, string path) =>
        Posted(marketplace, path).Select(n => (string?)n["id"]);

    private async Task SeedAsync(FakeMarketplace marketplace)
    {
        using var http = marketplace.Client();
        var client = new MarketplaceClient(http, OperatorKey, attempts: 1);
        await new Seeder(client, output).SeedAsync(OperatorKey, KeysFile, CancellationToken.None);
    }
}
