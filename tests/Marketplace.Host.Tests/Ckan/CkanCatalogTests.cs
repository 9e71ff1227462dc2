using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Features.Ckan;

namespace Marketplace.Host.Tests.Ckan;

/// <summary>The translation of offerings into CKAN's package, resource, organization, group and tag dicts, and package_search's parameters.</summary>
public sealed class CkanCatalogTests
{
    private const string Base = "https://market.example";
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(9));

    private static CatalogEntry Entry(string id, DatasetClass cls, bool free = true, string licence = "CC-BY-4.0", bool published = true,
        string[]? keywords = null, string[]? themes = null, string provider = "city", DateTimeOffset? updated = null, string? title = null)
    {
        var metadata = new DatasetMetadata(title ?? id, "About " + id, keywords ?? ["bus"], themes ?? ["TRAN"], "City", licence, null, null, null, null, "ja");
        var schema = new DatasetSchema([new SchemaField("stop_id", FieldType.String, true)], null);
        var dataset = new DatasetView("ds-" + id, provider, new DatasetDefinition(cls, metadata, schema),
            published ? [new DatasetRevision("rev-1", 3, 100, Created, RevisionStatus.Published)] : [], Created);
        var pricing = free ? PricingPlan.Free(Currency.JPY) : PricingPlan.PerUnit(Money.Of(2, "JPY"), UsageUnit.Record);
        var offering = new OfferingView(id, provider,
            new OfferingDefinition("ds-" + id, title ?? id, "About " + id, pricing, UsagePolicy.Open, OfferingVisibility.Public, [], ApprovalMode.Automatic),
            OfferingStatus.Listed, cls, Created, updated ?? Created.AddDays(1));
        return new CatalogEntry(offering, dataset, provider + " name");
    }

    [Fact]
    public void Open_data_has_a_csv_and_a_jsonl_resource_at_its_download()
    {
        var package = CkanCatalog.Package(Entry("open", DatasetClass.Public), Base);

        Assert.Equal(
            [("CSV", $"{Base}/api/v1/offerings/open/download?format=csv"), ("JSONL", $"{Base}/api/v1/offerings/open/download?format=jsonl")],
            package.Resources.Select(r => (r.Format, r.Url)));
        Assert.Equal(2, package.NumResources);
        Assert.All(package.Resources, r => Assert.Equal("open", r.PackageId));
    }

    [Fact]
    public void A_priced_offering_of_private_data_has_the_brokered_api_as_its_one_resource()
    {
        var package = CkanCatalog.Package(Entry("brokered", DatasetClass.Private, free: false, licence: "proprietary"), Base);

        var resource = Assert.Single(package.Resources);
        Assert.Equal(("API", $"{Base}/api/v1/offerings/brokered"), (resource.Format, resource.Url));
        Assert.False(package.IsOpen);
    }

    [Fact]
    public void Personal_data_never_has_a_resource()
    {
        var package = CkanCatalog.Package(Entry("people", DatasetClass.Personal, licence: "CC-BY-4.0"), Base);

        Assert.Empty(package.Resources);
        Assert.Equal(0, package.NumResources);
    }

    [Fact]
    public void Public_data_without_a_published_revision_is_reached_through_the_api_not_a_download()
    {
        var package = CkanCatalog.Package(Entry("empty", DatasetClass.Public, published: false), Base);

        Assert.Equal("API", Assert.Single(package.Resources).Format);
    }

    [Fact]
    public void Package_carries_keywords_as_tags_themes_as_groups_and_the_provider_as_organization()
    {
        var package = CkanCatalog.Package(Entry("p", DatasetClass.Public, keywords: ["bus", "transport", "bus"], themes: ["TRAN", "ENVI"]), Base);

        Assert.Equal(["bus", "transport"], package.Tags.Select(t => t.Name));
        Assert.Equal(2, package.NumTags);
        Assert.Equal(["TRAN", "ENVI"], package.Groups.Select(g => g.Name));
        Assert.Equal(("city", "city", "city name", true), (package.OwnerOrg, package.Organization.Name, package.Organization.Title, package.Organization.IsOrganization));
        Assert.Equal(("CC-BY-4.0", "active", "dataset", false), (package.LicenseId, package.State, package.Type, package.Private));
    }

    [Fact]
    public void Timestamps_are_utc_without_an_offset_as_ckan_writes_them()
    {
        var package = CkanCatalog.Package(Entry("p", DatasetClass.Public), Base);

        Assert.Equal("2026-10-31T15:00:00.000000", package.MetadataCreated);
        Assert.Equal("2026-11-01T15:00:00.000000", package.MetadataModified);
    }

    [Fact]
    public void Fq_reads_plain_and_quoted_terms()
    {
        var filters = CkanCatalog.ParseFilters("organization:city tags:\"bus stop\" AND res_format:CSV");

        Assert.Equal([new("organization", "city"), new("tags", "bus stop"), new KeyValuePair<string, string>("res_format", "CSV")], filters);
    }

    [Theory]
    [InlineData("creator_user_id:x")]
    [InlineData("tags:\"unclosed")]
    [InlineData("nofield")]
    public void Fq_on_an_unknown_field_or_malformed_is_a_validation_error(string fq)
    {
        var refusal = Assert.Throws<CkanRefusal>(() => CkanCatalog.ParseFilters(fq));

        Assert.Equal((409, "Validation Error"), (refusal.Status, refusal.Type));
    }

    [Fact]
    public void Rows_default_to_10_and_are_capped_at_1000()
    {
        Assert.Equal(10, CkanCatalog.Query(null, null, null, null, null, []).Rows);
        Assert.Equal(1000, CkanCatalog.Query(null, null, "5000", null, null, []).Rows);
    }

    [Theory]
    [InlineData("-1", null, null)]
    [InlineData("ten", null, null)]
    [InlineData(null, "x", null)]
    [InlineData(null, null, "creator_user_id asc")]
    [InlineData(null, null, "title_string up")]
    public void Bad_rows_start_or_sort_is_a_validation_error(string? rows, string? start, string? sort)
    {
        var refusal = Assert.Throws<CkanRefusal>(() => CkanCatalog.Query(null, null, rows, start, sort, []));

        Assert.Equal(409, refusal.Status);
    }

    [Fact]
    public void Search_filters_sorts_pages_and_counts_facets_over_every_match()
    {
        var packages = new[]
        {
            CkanCatalog.Package(Entry("a", DatasetClass.Public, keywords: ["bus"], title: "Charlie", updated: Created.AddDays(3)), Base),
            CkanCatalog.Package(Entry("b", DatasetClass.Private, free: false, keywords: ["bus", "rail"], title: "alpha", updated: Created.AddDays(5)), Base),
            CkanCatalog.Package(Entry("c", DatasetClass.Public, keywords: ["rail"], title: "Bravo", updated: Created.AddDays(4), provider: "other"), Base),
        };

        var byTitle = CkanCatalog.Search(packages, CkanCatalog.Query(null, "tags:bus", null, null, "title_string asc", ["[\"tags\",\"res_format\"]"]));
        var newest = CkanCatalog.Search(packages, CkanCatalog.Query(null, null, "1", "1", "metadata_modified desc", []));

        Assert.Equal(2, byTitle.Count);
        Assert.Equal(["b", "a"], byTitle.Results.Select(p => p.Name));
        Assert.Equal(new Dictionary<string, long> { ["bus"] = 2, ["rail"] = 1 }, byTitle.Facets["tags"]);
        Assert.Equal(new Dictionary<string, long> { ["API"] = 1, ["CSV"] = 1, ["JSONL"] = 1 }, byTitle.Facets["res_format"]);
        Assert.Equal(3, newest.Count);
        Assert.Equal(["c"], newest.Results.Select(p => p.Name));
    }

    [Fact]
    public void Package_list_takes_everything_without_a_limit_and_refuses_a_negative_offset()
    {
        Assert.Equal((int.MaxValue, 0), CkanCatalog.Window(null, null));
        Assert.Equal((5, 10), CkanCatalog.Window("5", "10"));
        Assert.Equal(409, Assert.Throws<CkanRefusal>(() => CkanCatalog.Window(null, "-1")).Status);
    }

    [Theory]
    [InlineData("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/")]
    [InlineData("CC0-1.0", "Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/")]
    [InlineData("ODC-BY", "Open Data Commons Attribution License", "https://opendatacommons.org/licenses/by/")]
    [InlineData("PDDL", "Open Data Commons Public Domain Dedication and License", "https://opendatacommons.org/licenses/pddl/")]
    [InlineData("CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/")]
    [InlineData("PDL-1.0", "公共データ利用規約 (第1.0版) / Public Data License (Version 1.0)", "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0")]
    [InlineData("city-licence-2", "city-licence-2", null)]
    public void A_package_names_its_licence_with_the_title_and_url_of_the_licence_table(string licence, string title, string? url)
    {
        var package = CkanCatalog.Package(Entry("open", DatasetClass.Public, licence: licence), Base);

        Assert.Equal((licence, title, url), (package.LicenseId, package.LicenseTitle, package.LicenseUrl));
    }

    [Fact]
    public void Facets_answer_at_most_facet_limit_values_at_least_facet_mincount_each_and_minus_one_answers_all()
    {
        var packages = new[]
        {
            CkanCatalog.Package(Entry("a", DatasetClass.Public, keywords: ["bus", "rail", "tram"]), Base),
            CkanCatalog.Package(Entry("b", DatasetClass.Public, keywords: ["bus", "rail"]), Base),
            CkanCatalog.Package(Entry("c", DatasetClass.Public, keywords: ["bus"]), Base),
        };

        var limited = CkanCatalog.Search(packages, CkanCatalog.Query(null, null, null, null, null, ["tags"], facetLimit: "2"));
        var frequent = CkanCatalog.Search(packages, CkanCatalog.Query(null, null, null, null, null, ["tags"], facetMinCount: "2"));
        var all = CkanCatalog.Search(packages, CkanCatalog.Query(null, null, null, null, null, ["tags"], facetLimit: "1",
            fieldFacetLimits: new Dictionary<string, string> { ["tags"] = "-1" }));

        Assert.Equal(["bus", "rail"], limited.Facets["tags"].Keys);
        Assert.Equal(["bus", "rail"], limited.SearchFacets["tags"].Items.Select(i => i.Name));
        Assert.Equal(["bus", "rail"], frequent.Facets["tags"].Keys);
        Assert.Equal(3, all.Facets["tags"].Count);
    }

    [Theory]
    [InlineData("ten", null)]
    [InlineData(null, "-1")]
    public void A_facet_limit_that_is_not_an_integer_or_a_negative_mincount_is_a_validation_error(string? limit, string? mincount)
    {
        Assert.Equal(409, Assert.Throws<CkanRefusal>(() => CkanCatalog.Query(null, null, null, null, null, [], limit, mincount)).Status);
    }
}
