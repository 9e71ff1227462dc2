using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Application.Catalog;
using Marketplace.Storage;

namespace Marketplace.Host.Tests;

/// <summary>
/// /catalog.ttl is DCAT-AP 3 that the official DCAT-AP 3.0.0 SHACL shapes (Conformance/) accept with no
/// violation, checked by rdf-validate-shacl in tools/shacl-validator (build.ps1 installs it, and this test does
/// too when it is missing). Needs node and npm: without them the test fails saying so, it never skips.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class DcatCatalogTests(MarketplaceFixture fixture)
{
    private static readonly string Root = HostProcess.FindRepositoryRoot(AppContext.BaseDirectory);
    private static readonly string ValidatorDirectory = Path.Combine(Root, "tools", "shacl-validator");
    private static readonly NodeTool Validator = new(ValidatorDirectory, "the SHACL validation");
    private static readonly Uri Base = new("https://market.example/");

    private static CatalogListing Listing(string cls, bool free = false, string licence = "CC-BY-4.0", string title = "Bus stops") =>
        new("off-1", "ds-1", "prov-1", "Provider \"One\"", title, "Stops\nof the city", ["bus"], ["TRAN"], cls,
            free ? "free" : "per-unit", free, "", true, [], licence, new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));

    private static readonly string Shapes = Path.Combine(Root, "tests", "Marketplace.Host.Tests", "Conformance", "dcat-ap-3.0.0-SHACL.ttl");

    [Fact]
    public async Task The_catalog_in_turtle_passes_the_dcat_ap_3_shacl_shapes_with_zero_violations()
    {
        await ListVariedOfferingsAsync();

        var (exit, output) = await ValidateAsync("/catalog.ttl", ".ttl");

        Assert.True(exit == 0 && output.Contains("violations: 0", StringComparison.Ordinal), $"SHACL exit {exit}:\n{output}");
    }

    [Fact]
    public async Task The_catalog_in_json_ld_passes_the_dcat_ap_3_shacl_shapes_with_zero_violations()
    {
        await ListVariedOfferingsAsync();

        var (exit, output) = await ValidateAsync("/catalog.jsonld", ".jsonld");

        Assert.True(exit == 0 && output.Contains("violations: 0", StringComparison.Ordinal), $"SHACL exit {exit}:\n{output}");
    }

    [Fact]
    public async Task The_json_ld_and_the_turtle_catalog_are_the_same_graph()
    {
        await ListVariedOfferingsAsync();
        var client = fixture.Factory.CreateClient();
        var turtle = await SaveAsync(await client.GetStringAsync("/catalog.ttl"), ".ttl");
        var json = await SaveAsync(await client.GetStringAsync("/catalog.jsonld"), ".jsonld");

        var (exit, output) = await CompareAsync(turtle, json);

        Assert.True(exit == 0 && output.Contains("isomorphic", StringComparison.Ordinal), $"compare exit {exit}:\n{output}");
    }

    private static Marketplace.Domain.Harvest.ListingOrigin Origin(params Marketplace.Domain.Harvest.HarvestedResource[] resources) =>
        new("hs-b", "City B", "bus-b", "City B transit", "https://b.example/offerings/bus-b", resources, new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_harvested_listing_passes_the_shacl_shapes_with_its_source_and_identifier()
    {
        var turtle = DcatCatalog.Turtle(
        [
            Listing("public", free: true) with { Origin = Origin(new("CSV", "https://b.example/bus.csv", "CSV"), new("API", "https://b.example/api?x=1&y=<2>", "")) },
            Listing("public", free: true) with { OfferingId = "off-2", Origin = Origin() },
            // The same dataset harvested by a second source (a city's CKAN and its DCAT): one source dataset, two publishers here.
            Listing("public", free: true) with { OfferingId = "off-3", ProviderId = "hs-c", Origin = Origin() },
        ], Base);
        var data = Path.Combine(Path.GetTempPath(), $"marketplace-harvested-{Guid.NewGuid():N}.ttl");
        await File.WriteAllTextAsync(data, turtle);
        try
        {
            await Validator.EnsureInstalledAsync("rdf-validate-shacl");
            var (exit, output, errors) = await Validator.RunAsync("node",
                [Path.Combine(ValidatorDirectory, "validate.mjs"), data, Path.Combine(Root, "tests", "Marketplace.Host.Tests", "Conformance", "dcat-ap-3.0.0-SHACL.ttl")]);

            Assert.True(exit == 0 && output.Contains("violations: 0", StringComparison.Ordinal), $"SHACL exit {exit}:\n{output}\n{errors}\n{turtle}");
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Fact]
    public void A_harvested_listing_names_its_source_and_links_to_the_sources_data_not_a_local_copy()
    {
        var turtle = DcatCatalog.Turtle([Listing("public", free: true) with { Origin = Origin(new Marketplace.Domain.Harvest.HarvestedResource("CSV", "https://b.example/bus.csv", "CSV")) }], Base);

        Assert.Contains("dct:source <https://b.example/offerings/bus-b>", turtle, StringComparison.Ordinal);
        Assert.Contains("skos:notation \"bus-b\"", turtle, StringComparison.Ordinal);
        Assert.Contains("dcat:accessURL <https://b.example/bus.csv>", turtle, StringComparison.Ordinal);
        Assert.DoesNotContain("/download?format=csv", turtle, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listed_offering_has_its_own_dataset_document()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(2, cls: "private");

        var turtle = await fixture.Factory.CreateClient().GetStringAsync($"/catalog/datasets/{listing.OfferingId}.ttl");

        Assert.Contains($"/catalog/datasets/{listing.OfferingId}> a dcat:Dataset", turtle, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_offering_not_listed_for_everyone_has_no_dataset_document()
    {
        var response = await fixture.Factory.CreateClient().GetAsync("/catalog/datasets/off-never-listed.ttl");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(null, "text/turtle")]
    [InlineData("text/turtle", "text/turtle")]
    [InlineData("*/*", "text/turtle")]
    [InlineData("application/ld+json", "application/ld+json")]
    [InlineData("text/turtle;q=0.5, application/ld+json", "application/ld+json")]
    [InlineData("application/*", "application/ld+json")]
    public async Task The_catalog_is_served_in_the_format_accept_prefers(string? accept, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/catalog");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await fixture.Factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_catalog_in_no_format_the_request_accepts_is_a_406_naming_the_two_it_is_served_in()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/catalog");
        request.Headers.TryAddWithoutValidation("Accept", "application/rdf+xml");

        var problem = await MarketplaceDriver.Problem(await fixture.Factory.CreateClient().SendAsync(request), HttpStatusCode.NotAcceptable);

        Assert.Equal("catalog.not-acceptable", problem.GetProperty("code").GetString());
        Assert.Contains("text/turtle", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("application/ld+json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/catalog/datasets/{0}.jsonld")]
    [InlineData("/datasets/{0}.jsonld")]
    public async Task A_listed_offering_has_its_own_json_ld_dataset_document(string path)
    {
        var listing = await fixture.Driver.ListedOfferingAsync(2, cls: "private");

        var response = await fixture.Factory.CreateClient().GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, listing.OfferingId));

        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"@id\": \"http://localhost/catalog/datasets/{listing.OfferingId}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_short_dataset_address_serves_the_same_turtle_as_the_catalog_one()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(2, cls: "private");
        var client = fixture.Factory.CreateClient();

        var alias = await client.GetStringAsync($"/datasets/{listing.OfferingId}.ttl");

        Assert.Equal(await client.GetStringAsync($"/catalog/datasets/{listing.OfferingId}.ttl"), alias);
    }

    [Fact]
    public async Task A_listed_personal_offering_is_served_with_its_metadata_and_never_a_distribution()
    {
        var offeringId = await ListPersonalOfferingAsync();
        var client = fixture.Factory.CreateClient();

        var turtle = await client.GetStringAsync($"/datasets/{offeringId}.ttl");
        var catalog = await client.GetStringAsync("/catalog.ttl");

        Assert.Contains($"<http://localhost/catalog/datasets/{offeringId}> a dcat:Dataset", turtle, StringComparison.Ordinal);
        Assert.Contains("dct:title \"Health checks\"", turtle, StringComparison.Ordinal);
        Assert.Contains("access-right/NON_PUBLIC", turtle, StringComparison.Ordinal);
        Assert.DoesNotContain("dcat:distribution", turtle, StringComparison.Ordinal);
        Assert.Contains($"dcat:dataset <http://localhost/catalog/datasets/{offeringId}>", catalog, StringComparison.Ordinal);
        Assert.DoesNotContain($"<http://localhost/catalog/datasets/{offeringId}#distribution>", catalog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_short_dataset_address_of_an_offering_not_listed_for_everyone_is_a_404_problem()
    {
        var response = await fixture.Factory.CreateClient().GetAsync("/datasets/off-never-listed.jsonld");

        await MarketplaceDriver.Problem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_graph_comparison_reports_two_different_graphs_as_not_isomorphic()
    {
        var one = await SaveAsync(DcatCatalog.Turtle([Listing("private")], Base), ".ttl");
        var other = await SaveAsync(JsonLdDocument.Write(DcatCatalog.Graph([new DcatEntry(Listing("private", title: "Tram stops"))], Base)), ".jsonld");

        var (exit, output) = await CompareAsync(one, other);

        Assert.True(exit == 1 && output.Contains("not isomorphic", StringComparison.Ordinal), $"compare exit {exit}:\n{output}");
    }

    [Fact]
    public async Task The_validator_refuses_a_remote_json_ld_context_rather_than_fetching_it()
    {
        var data = await SaveAsync("""{"@context": "https://www.w3.org/ns/dcat3.jsonld", "@id": "urn:x", "title": "x"}""", ".jsonld");

        var (exit, output) = await ValidateFileAsync(data);

        Assert.True(exit == 2 && output.Contains("refusing to fetch https://www.w3.org/ns/dcat3.jsonld", StringComparison.Ordinal), $"exit {exit}:\n{output}");
    }

    [Fact]
    public void Every_distribution_links_its_offerings_odrl_policy()
    {
        var turtle = DcatCatalog.Turtle([Listing("public", free: true), Listing("private") with { OfferingId = "off-2" }], Base);

        Assert.Contains("odrl:hasPolicy <https://market.example/api/v1/offerings/off-1/policy.jsonld>", turtle, StringComparison.Ordinal);
        Assert.Contains("odrl:hasPolicy <https://market.example/api/v1/offerings/off-2/policy.jsonld>", turtle, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_datasets_declared_coverage_and_its_providers_contact_are_in_its_dcat_description()
    {
        var listing = await ListCoveredOfferingAsync();

        var turtle = await fixture.Factory.CreateClient().GetStringAsync($"/datasets/{listing.OfferingId}.ttl");

        Assert.Contains($"dct:spatial <http://localhost/catalog/datasets/{listing.OfferingId}#spatial>", turtle, StringComparison.Ordinal);
        Assert.Contains($"dcat:bbox \"{CityBox}\"^^gsp:wktLiteral", turtle, StringComparison.Ordinal);
        Assert.Contains("dct:spatial <https://sws.geonames.org/1848354/>", turtle, StringComparison.Ordinal);
        Assert.Contains($"dct:temporal <http://localhost/catalog/datasets/{listing.OfferingId}#temporal>", turtle, StringComparison.Ordinal);
        Assert.Contains($"<http://localhost/catalog/datasets/{listing.OfferingId}#temporal> a dct:PeriodOfTime", turtle, StringComparison.Ordinal);
        Assert.Contains("dcat:startDate \"2026-04-01T00:00:00Z\"^^xsd:dateTime", turtle, StringComparison.Ordinal);
        Assert.Contains("dcat:endDate \"2026-09-30T15:00:00Z\"^^xsd:dateTime", turtle, StringComparison.Ordinal);
        Assert.Contains("vcard:hasEmail <mailto:opendata@city.example>", turtle, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spatialIri", "Minato-Mirai", "dataset.invalid-spatial")]
    [InlineData("bbox", "POLYGON((139.60 35.43, 139.68 35.43))", "dataset.invalid-bbox")]
    [InlineData("temporalEnd", "2026-03-31T00:00:00+09:00", "dataset.invalid-temporal")]
    public async Task A_dataset_with_a_bad_coverage_is_refused_naming_what_to_fix(string field, string value, string code)
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var body = CoveredDataset(MarketplaceDriver.UniqueId("ds"));
        body[field] = value;

        var problem = await MarketplaceDriver.Problem(await provider.Client.PostAsJsonAsync("/api/v1/datasets", body), HttpStatusCode.BadRequest);

        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_contact_email_that_is_not_an_address_is_refused()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");

        var problem = await MarketplaceDriver.Problem(
            await provider.Client.PutAsJsonAsync($"/api/v1/parties/{provider.Id}/contact", new { email = "opendata at city" }), HttpStatusCode.BadRequest);

        Assert.Equal("party.contact-invalid", problem.GetProperty("code").GetString());
    }

    [Fact]
    public void The_catalogs_own_title_publisher_homepage_and_language_come_from_its_configuration()
    {
        var publication = new CatalogPublication
        {
            Title = "Minato-Mirai open data", PublisherName = "City of Minato-Mirai", PublisherUri = "https://www.city.example/",
            Homepage = "https://opendata.city.example/", Language = "ENG",
        }.Validated();

        var turtle = TurtleDocument.Write(DcatCatalog.Graph([], Base, publication));

        Assert.Contains("dct:title \"Minato-Mirai open data\"@en", turtle, StringComparison.Ordinal);
        Assert.Contains("dct:publisher <https://www.city.example/>", turtle, StringComparison.Ordinal);
        Assert.Contains("<https://www.city.example/> a foaf:Agent ;\n    foaf:name \"City of Minato-Mirai\"@en", turtle, StringComparison.Ordinal);
        Assert.Contains("foaf:homepage <https://opendata.city.example/>", turtle, StringComparison.Ordinal);
        Assert.Contains("dct:language <http://publications.europa.eu/resource/authority/language/ENG>", turtle, StringComparison.Ordinal);
    }

    [Fact]
    public void A_catalog_language_that_is_not_an_eu_language_code_is_refused_at_start_naming_the_setting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new CatalogPublication { Language = "ja" }.Validated());

        Assert.Contains("Marketplace:Catalog:Language", e.Message, StringComparison.Ordinal);
    }

    private const string CityBox = "POLYGON((139.60 35.43, 139.68 35.43, 139.68 35.49, 139.60 35.49, 139.60 35.43))";

    private static JsonObject CoveredDataset(string id)
    {
        var body = JsonSerializer.SerializeToNode(MarketplaceDriver.BusStopsDataset(id, "public"))!.AsObject();
        body["spatial"] = "Minato-Mirai";
        body["spatialIri"] = "https://sws.geonames.org/1848354/";
        body["bbox"] = "POLYGON((139.60 35.43, 139.68 35.43, 139.68 35.49, 139.60 35.49, 139.60 35.43))";
        body["temporalStart"] = "2026-04-01T09:00:00+09:00";
        body["temporalEnd"] = "2026-10-01T00:00:00+09:00";
        return body;
    }

    /// <summary>An open-data offering whose dataset declares its coverage and whose provider publishes a contact address.</summary>
    private async Task<Listing> ListCoveredOfferingAsync()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        (await provider.Client.PutAsJsonAsync($"/api/v1/parties/{provider.Id}/contact", new { email = "opendata@city.example" })).EnsureSuccessStatusCode();
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(provider, CoveredDataset(datasetId));
        await MarketplaceDriver.UploadCsvAsync(provider, datasetId, MarketplaceDriver.BusStopsCsv(2));
        var offeringId = MarketplaceDriver.UniqueId("off");
        await MarketplaceDriver.CreateOfferingAsync(provider, new { id = offeringId, datasetId, pricing = new { model = "free", currency = "JPY" }, visibility = "public", approval = "automatic" });
        await MarketplaceDriver.PublishAsync(provider, offeringId);
        return new Listing(provider, datasetId, offeringId);
    }

    /// <summary>
    /// Offerings of every kind the catalog describes differently: open data (with coverage and a contact), brokered,
    /// free private, and personal data (metadata only).
    /// </summary>
    private async Task ListVariedOfferingsAsync()
    {
        await ListCoveredOfferingAsync();
        await fixture.Driver.ListedOfferingAsync(2, pricing: new { model = "free", currency = "JPY" }, cls: "public");
        await fixture.Driver.ListedOfferingAsync(2, cls: "private");
        await fixture.Driver.ListedOfferingAsync(2, pricing: new { model = "free", currency = "JPY" }, cls: "private");
        await ListPersonalOfferingAsync();
    }

    /// <summary>A personal dataset's offering as an information bank lists it; answers the offering's id.</summary>
    private async Task<string> ListPersonalOfferingAsync()
    {
        var bank = await fixture.Driver.CreatePartyAsync("information-bank");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(bank, PersonalDataTests.HealthChecks(datasetId));
        await MarketplaceDriver.UploadCsvAsync(bank, datasetId, "resident_id,hba1c\nr-1,5.4\nr-2,6.1\n");
        var offering = await MarketplaceDriver.CreateOfferingAsync(bank, PersonalDataTests.Offering(datasetId, "provider"));
        await MarketplaceDriver.PublishAsync(bank, offering.Id);
        return offering.Id;
    }

    private async Task<(int Exit, string Output)> ValidateAsync(string path, string extension)
    {
        var response = await fixture.Factory.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ValidateFileAsync(await SaveAsync(await response.Content.ReadAsStringAsync(), extension));
    }

    private static async Task<(int Exit, string Output)> ValidateFileAsync(string data)
    {
        await Validator.EnsureInstalledAsync("jsonld");
        var (exit, output, errors) = await Validator.RunAsync("node", [Path.Combine(ValidatorDirectory, "validate.mjs"), data, Shapes]);
        return (exit, output + errors);
    }

    private static async Task<(int Exit, string Output)> CompareAsync(string first, string second)
    {
        await Validator.EnsureInstalledAsync("jsonld");
        var (exit, output, errors) = await Validator.RunAsync("node", [Path.Combine(ValidatorDirectory, "validate.mjs"), "compare", first, second]);
        return (exit, output + errors);
    }

    /// <summary>The text in a file of this class's temporary folder, named with <paramref name="extension"/> (the tool reads the format from it).</summary>
    private static async Task<string> SaveAsync(string text, string extension)
    {
        var file = Path.Combine(Scratch, $"{Guid.NewGuid():N}{extension}");
        await File.WriteAllTextAsync(file, text);
        return file;
    }

    private static readonly string Scratch = Directory.CreateTempSubdirectory("marketplace-dcat-").FullName;

    [Fact]
    public void A_free_public_offering_under_an_open_licence_has_the_open_data_download()
    {
        var turtle = DcatCatalog.Turtle([Listing("public", free: true)], Base);

        Assert.Contains("dcat:downloadURL <https://market.example/api/v1/offerings/off-1/download?format=csv>", turtle, StringComparison.Ordinal);
        Assert.DoesNotContain("dcat:DataService", turtle, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_offering_is_reached_through_the_brokered_api_as_a_data_service()
    {
        var turtle = DcatCatalog.Turtle([Listing("private")], Base);

        Assert.Contains("dcat:accessService <https://market.example/catalog/datasets/off-1#api>", turtle, StringComparison.Ordinal);
        Assert.DoesNotContain("dcat:downloadURL", turtle, StringComparison.Ordinal);
    }

    [Fact]
    public void A_personal_dataset_has_its_metadata_and_no_distribution_at_all()
    {
        var turtle = DcatCatalog.Turtle([Listing("personal", free: true)], Base);

        Assert.Contains("<https://market.example/catalog/datasets/off-1> a dcat:Dataset", turtle, StringComparison.Ordinal);
        Assert.DoesNotContain("dcat:distribution", turtle, StringComparison.Ordinal);
        Assert.DoesNotContain("dcat:Distribution", turtle, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public", true, "CC-BY-4.0", "PUBLIC")]
    [InlineData("public", false, "CC-BY-4.0", "RESTRICTED")]
    [InlineData("public", true, "proprietary", "RESTRICTED")]
    [InlineData("private", false, "proprietary", "RESTRICTED")]
    [InlineData("personal", true, "CC-BY-4.0", "NON_PUBLIC")]
    public void Access_rights_say_public_only_for_open_data_so_harvesters_take_nothing_else(string cls, bool free, string licence, string right)
    {
        var turtle = DcatCatalog.Turtle([Listing(cls, free, licence)], Base);

        Assert.Contains($"dct:accessRights <http://publications.europa.eu/resource/authority/access-right/{right}>", turtle, StringComparison.Ordinal);
    }

    [Fact]
    public void Themes_are_the_eu_data_theme_vocabulary()
    {
        var turtle = DcatCatalog.Turtle([Listing("private")], Base);

        Assert.Contains("dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TRAN>", turtle, StringComparison.Ordinal);
    }

    [Fact]
    public void Literals_escape_quotes_backslashes_and_control_characters()
    {
        Assert.Equal("\"a\\\"b\\\\c\\nd\\u0001\"@en", DcatCatalog.Literal("a\"b\\c\nd\u0001", "en"));
    }

    [Fact]
    public void Iris_percent_encode_what_turtle_forbids_in_them()
    {
        Assert.Equal("<http://x/a%20b%3Ec>", DcatCatalog.Iri("http://x/a b>c"));
    }
}
