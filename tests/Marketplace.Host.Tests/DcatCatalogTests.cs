using System.ComponentModel;
using System.Diagnostics;
using System.Net;
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

    [Fact]
    public async Task The_catalog_in_turtle_passes_the_dcat_ap_3_shacl_shapes_with_zero_violations()
    {
        await fixture.Driver.ListedOfferingAsync(2, pricing: new { model = "free", currency = "JPY" }, cls: "public");
        await fixture.Driver.ListedOfferingAsync(2, cls: "private");
        await fixture.Driver.ListedOfferingAsync(2, pricing: new { model = "free", currency = "JPY" }, cls: "private");
        var response = await fixture.Factory.CreateClient().GetAsync("/catalog.ttl");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/turtle", response.Content.Headers.ContentType?.MediaType);
        var data = Path.Combine(Path.GetTempPath(), $"marketplace-catalog-{Guid.NewGuid():N}.ttl");
        await File.WriteAllTextAsync(data, await response.Content.ReadAsStringAsync());
        try
        {
            await Validator.EnsureInstalledAsync("rdf-validate-shacl");
            var (exit, output, errors) = await Validator.RunAsync("node",
                [Path.Combine(ValidatorDirectory, "validate.mjs"), data, Path.Combine(Root, "tests", "Marketplace.Host.Tests", "Conformance", "dcat-ap-3.0.0-SHACL.ttl")]);

            Assert.True(exit == 0 && output.Contains("violations: 0", StringComparison.Ordinal), $"SHACL exit {exit}:\n{output}\n{errors}");
        }
        finally
        {
            File.Delete(data);
        }
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
