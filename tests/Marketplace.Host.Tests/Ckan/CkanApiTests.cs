using System.Net;
using System.Text.Json;

namespace Marketplace.Host.Tests.Ckan;

/// <summary>
/// The CKAN Action API as a CKAN client reads it: CKAN's envelope, CKAN's errors and status codes, and the field
/// names and JSON types of CKAN's documented package, resource, organization, group and tag dicts
/// (ckan/logic/action/get.py, ckan/lib/dictization/model_dictize.py).
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class CkanApiTests(MarketplaceFixture fixture)
{
    private static readonly object Free = new { model = "free", currency = "JPY" };

    /// <summary>CKAN's package dict: each key package_show answers and its JSON kind.</summary>
    private static readonly Dictionary<string, JsonValueKind> PackageFields = new()
    {
        ["id"] = JsonValueKind.String, ["name"] = JsonValueKind.String, ["title"] = JsonValueKind.String, ["notes"] = JsonValueKind.String,
        ["url"] = JsonValueKind.String, ["author"] = JsonValueKind.String, ["maintainer"] = JsonValueKind.String,
        ["license_id"] = JsonValueKind.String, ["license_title"] = JsonValueKind.String, ["isopen"] = JsonValueKind.True,
        ["state"] = JsonValueKind.String, ["type"] = JsonValueKind.String, ["private"] = JsonValueKind.False, ["owner_org"] = JsonValueKind.String,
        ["organization"] = JsonValueKind.Object, ["tags"] = JsonValueKind.Array, ["groups"] = JsonValueKind.Array, ["resources"] = JsonValueKind.Array,
        ["extras"] = JsonValueKind.Array, ["num_resources"] = JsonValueKind.Number, ["num_tags"] = JsonValueKind.Number,
        ["metadata_created"] = JsonValueKind.String, ["metadata_modified"] = JsonValueKind.String,
        ["relationships_as_object"] = JsonValueKind.Array, ["relationships_as_subject"] = JsonValueKind.Array,
    };

    private static readonly Dictionary<string, JsonValueKind> ResourceFields = new()
    {
        ["id"] = JsonValueKind.String, ["package_id"] = JsonValueKind.String, ["name"] = JsonValueKind.String, ["description"] = JsonValueKind.String,
        ["url"] = JsonValueKind.String, ["format"] = JsonValueKind.String, ["mimetype"] = JsonValueKind.String, ["state"] = JsonValueKind.String,
        ["position"] = JsonValueKind.Number, ["created"] = JsonValueKind.String, ["last_modified"] = JsonValueKind.String,
    };

    private static readonly Dictionary<string, JsonValueKind> OrganizationFields = new()
    {
        ["id"] = JsonValueKind.String, ["name"] = JsonValueKind.String, ["title"] = JsonValueKind.String, ["display_name"] = JsonValueKind.String,
        ["description"] = JsonValueKind.String, ["type"] = JsonValueKind.String, ["state"] = JsonValueKind.String,
        ["is_organization"] = JsonValueKind.True, ["approval_status"] = JsonValueKind.String, ["image_url"] = JsonValueKind.String,
    };

    private static readonly Dictionary<string, JsonValueKind> TagFields = new()
    {
        ["id"] = JsonValueKind.String, ["name"] = JsonValueKind.String, ["display_name"] = JsonValueKind.String, ["state"] = JsonValueKind.String,
    };

    private static void AssertShape(JsonElement dict, Dictionary<string, JsonValueKind> fields, string what)
    {
        foreach (var (name, kind) in fields)
        {
            Assert.True(dict.TryGetProperty(name, out var value), $"{what} lacks '{name}': {dict}");
            var actual = value.ValueKind is JsonValueKind.False ? JsonValueKind.True : value.ValueKind;
            var expected = kind is JsonValueKind.False ? JsonValueKind.True : kind;
            Assert.True(actual == expected, $"{what}.{name} is {value.ValueKind}, CKAN's is {kind}");
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> GetAsync(string pathAndQuery)
    {
        using var anonymous = fixture.Factory.CreateClient();
        var response = await anonymous.GetAsync(pathAndQuery);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }

    private static JsonElement Result(JsonElement body, string action)
    {
        Assert.True(body.GetProperty("success").GetBoolean(), body.ToString());
        Assert.EndsWith($"/api/3/action/help_show?name={action}", body.GetProperty("help").GetString(), StringComparison.Ordinal);
        return body.GetProperty("result");
    }

    [Fact]
    public async Task Package_show_answers_ckans_package_resource_organization_and_tag_dicts()
    {
        var open = await fixture.Driver.ListedOfferingAsync(2, pricing: Free, cls: "public");

        var (status, body, _) = await GetAsync($"/api/3/action/package_show?id={open.OfferingId}");

        Assert.Equal(HttpStatusCode.OK, status);
        var package = Result(body, "package_show");
        AssertShape(package, PackageFields, "package");
        AssertShape(package.GetProperty("organization"), OrganizationFields, "organization");
        AssertShape(package.GetProperty("tags")[0], TagFields, "tag");
        foreach (var resource in package.GetProperty("resources").EnumerateArray())
        {
            AssertShape(resource, ResourceFields, "resource");
        }
        Assert.Equal(open.OfferingId, package.GetProperty("name").GetString());
        Assert.Equal(open.Provider.Id, package.GetProperty("organization").GetProperty("name").GetString());
        Assert.Equal(["bus", "transport"], package.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["TRAN"], package.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_csv_resource_of_open_data_downloads_it()
    {
        var open = await fixture.Driver.ListedOfferingAsync(2, pricing: Free, cls: "public");
        var (_, body, _) = await GetAsync($"/api/3/action/package_show?id={open.OfferingId}");
        var csv = Result(body, "package_show").GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("format").GetString() == "CSV");
        using var anonymous = fixture.Factory.CreateClient();

        var download = await anonymous.GetAsync(new Uri(csv.GetProperty("url").GetString()!).PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.StartsWith("stop_id,name,district,lat", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_offering_made_to_named_buyers_only_is_not_found_as_ckan_says_it()
    {
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var privately = await fixture.Driver.ListedOfferingAsync(1, visibility: "private", buyers: [buyer.Id]);

        var (status, body, contentType) = await GetAsync($"/api/3/action/package_show?id={privately.OfferingId}");

        Assert.Equal((HttpStatusCode.NotFound, "application/json"), (status, contentType));
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal("Not Found Error", body.GetProperty("error").GetProperty("__type").GetString());
        Assert.False(body.TryGetProperty("result", out _));
    }

    [Fact]
    public async Task Package_show_without_an_id_is_a_409_validation_error()
    {
        var (status, body, _) = await GetAsync("/api/3/action/package_show");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Validation Error", body.GetProperty("error").GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Package_search_filters_by_organization_and_counts_facets()
    {
        var open = await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");
        var secondDataset = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(open.Provider, MarketplaceDriver.BusStopsDataset(secondDataset, "private"));
        await MarketplaceDriver.UploadCsvAsync(open.Provider, secondDataset, MarketplaceDriver.BusStopsCsv(1));
        var brokered = await MarketplaceDriver.PublishedOfferingAsync(open.Provider, secondDataset);

        var (status, body, _) = await GetAsync(
            $"/api/3/action/package_search?fq=organization:{open.Provider.Id}&sort=name%20asc&facet.field=%5B%22res_format%22%5D&rows=1");

        Assert.Equal(HttpStatusCode.OK, status);
        var result = Result(body, "package_search");
        Assert.Equal(2, result.GetProperty("count").GetInt64());
        Assert.Equal([new[] { open.OfferingId, brokered }.Min(StringComparer.Ordinal)],
            result.GetProperty("results").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var formats = result.GetProperty("facets").GetProperty("res_format");
        Assert.Equal((1, 1, 1), (formats.GetProperty("CSV").GetInt64(), formats.GetProperty("JSONL").GetInt64(), formats.GetProperty("API").GetInt64()));
        AssertShape(result.GetProperty("results")[0], PackageFields, "package");
    }

    [Fact]
    public async Task Package_list_organization_group_and_tag_lists_name_what_everyone_sees()
    {
        var open = await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");

        var packages = Result((await GetAsync("/api/3/action/package_list")).Body, "package_list");
        var organizations = Result((await GetAsync("/api/3/action/organization_list?all_fields=true")).Body, "organization_list");
        var organization = Result((await GetAsync($"/api/3/action/organization_show?id={open.Provider.Id}")).Body, "organization_show");
        var groups = Result((await GetAsync("/api/3/action/group_list")).Body, "group_list");
        var tags = Result((await GetAsync("/api/3/action/tag_list")).Body, "tag_list");

        Assert.Contains(open.OfferingId, packages.EnumerateArray().Select(p => p.GetString()));
        var listed = organizations.EnumerateArray().Single(o => o.GetProperty("name").GetString() == open.Provider.Id);
        AssertShape(listed, OrganizationFields, "organization");
        Assert.Equal(1, organization.GetProperty("package_count").GetInt64());
        Assert.Contains("TRAN", groups.EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("transport", tags.EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Package_show_names_a_known_licence_with_its_title_and_url()
    {
        var open = await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");

        var package = Result((await GetAsync($"/api/3/action/package_show?id={open.OfferingId}")).Body, "package_show");

        Assert.Equal("CC-BY-4.0", package.GetProperty("license_id").GetString());
        Assert.Equal("Creative Commons Attribution 4.0 International", package.GetProperty("license_title").GetString());
        Assert.Equal("https://creativecommons.org/licenses/by/4.0/", package.GetProperty("license_url").GetString());
    }

    [Fact]
    public async Task Organization_show_with_include_datasets_lists_its_package_dicts_and_can_leave_out_the_count()
    {
        var open = await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");

        var organization = Result((await GetAsync(
            $"/api/3/action/organization_show?id={open.Provider.Id}&include_datasets=true&include_dataset_count=false")).Body, "organization_show");
        var plain = Result((await GetAsync($"/api/3/action/organization_show?id={open.Provider.Id}")).Body, "organization_show");

        AssertShape(organization, OrganizationFields, "organization");
        var package = Assert.Single(organization.GetProperty("packages").EnumerateArray());
        AssertShape(package, PackageFields, "package");
        Assert.Equal(open.OfferingId, package.GetProperty("name").GetString());
        Assert.False(organization.TryGetProperty("package_count", out _));
        Assert.False(plain.TryGetProperty("packages", out _));
    }

    [Fact]
    public async Task Organization_and_group_lists_page_with_limit_and_offset()
    {
        await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");
        await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");

        var all = Result((await GetAsync("/api/3/action/organization_list")).Body, "organization_list").EnumerateArray().Select(o => o.GetString()).ToList();
        var window = Result((await GetAsync("/api/3/action/organization_list?limit=1&offset=1")).Body, "organization_list")
            .EnumerateArray().Select(o => o.GetString()).ToList();
        var groups = Result((await GetAsync("/api/3/action/group_list?all_fields=true&limit=1")).Body, "group_list");

        Assert.Equal(all.Skip(1).Take(1), window);
        AssertShape(Assert.Single(groups.EnumerateArray()), OrganizationFields.Where(f => f.Key != "is_organization")
            .ToDictionary(f => f.Key, f => f.Value), "group");
    }

    [Fact]
    public async Task Tag_list_with_a_query_keeps_the_tags_that_contain_it_ignoring_case()
    {
        await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");

        var tags = Result((await GetAsync("/api/3/action/tag_list?query=TRANS")).Body, "tag_list").EnumerateArray().Select(t => t.GetString()!).ToList();

        Assert.Contains("transport", tags);
        Assert.All(tags, t => Assert.Contains("trans", t, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Package_search_limits_each_facet_with_facet_limit_and_f_field_facet_limit()
    {
        var open = await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");

        var result = Result((await GetAsync(
            $"/api/3/action/package_search?fq=organization:{open.Provider.Id}&facet.field=%5B%22tags%22,%22res_format%22%5D&facet.limit=1&f.res_format.facet.limit=-1")).Body,
            "package_search");

        Assert.Single(result.GetProperty("facets").GetProperty("tags").EnumerateObject());
        Assert.Single(result.GetProperty("search_facets").GetProperty("tags").GetProperty("items").EnumerateArray());
        Assert.Equal(["CSV", "JSONL"], result.GetProperty("facets").GetProperty("res_format").EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Status_show_names_the_ckan_version_it_follows()
    {
        var status = Result((await GetAsync("/api/3/action/status_show")).Body, "status_show");

        Assert.Equal("2.10.4", status.GetProperty("ckan_version").GetString());
        Assert.Equal(JsonValueKind.Array, status.GetProperty("extensions").ValueKind);
    }

    [Fact]
    public async Task A_posted_json_body_is_read_as_the_actions_parameters()
    {
        var open = await fixture.Driver.ListedOfferingAsync(1, pricing: Free, cls: "public");
        using var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.PostAsync("/api/3/action/package_search", new StringContent(
            $"{{\"fq\": \"organization:{open.Provider.Id}\", \"rows\": 5, \"facet.field\": [\"tags\"]}}", System.Text.Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = Result(body, "package_search");
        Assert.Equal(open.OfferingId, Assert.Single(result.GetProperty("results").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(1, result.GetProperty("facets").GetProperty("tags").GetProperty("bus").GetInt64());
    }

    [Theory]
    [InlineData("package_search", "[1, 2]")]
    [InlineData("package_search", "{not json")]
    [InlineData("package_create", "{}")]
    public async Task A_body_that_is_not_a_json_object_or_an_unknown_action_is_a_400_bad_request(string action, string json)
    {
        using var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.PostAsync($"/api/3/action/{action}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bad Request", body.GetProperty("error").GetProperty("__type").GetString());
    }

    [Theory]
    [InlineData("package_create")]
    [InlineData("resource_show?id=x")]
    [InlineData("help_show?name=package_show")]
    public async Task An_action_this_api_does_not_know_answers_ckans_400_by_get_as_by_post(string request)
    {
        using var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.GetAsync($"/api/3/action/{request}");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal("Bad Request", body.GetProperty("error").GetProperty("__type").GetString());
        Assert.StartsWith("Bad request - Action name not known: " + request.Split('?')[0], body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
