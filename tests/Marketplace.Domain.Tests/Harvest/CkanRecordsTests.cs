using System.Text.Json;
using Marketplace.Domain.Harvest;

namespace Marketplace.Domain.Tests.Harvest;

public sealed class CkanRecordsTests
{
    [Fact]
    public void A_package_dict_reads_with_tags_groups_licence_organization_and_resources()
    {
        using var json = JsonDocument.Parse("""
            {"id": "p-1", "name": "bus-stops", "title": "Bus stops", "notes": "Every stop", "url": "",
             "license_id": "CC-BY-4.0", "organization": {"name": "transit", "title": "Transit bureau"},
             "tags": [{"name": "bus"}, {"name": "transport"}], "groups": [{"name": "TRAN"}],
             "resources": [{"name": "CSV", "url": "https://b.example/bus.csv", "format": "CSV"}]}
            """);

        var record = CkanRecords.FromPackage(json.RootElement, "https://b.example");

        Assert.Equal(("p-1", "Bus stops", "Every stop", "CC-BY-4.0", "Transit bureau", "https://b.example/dataset/bus-stops"),
            (record.Id, record.Title, record.Description, record.Licence, record.Publisher, record.LandingPage));
        Assert.Equal(["bus", "transport"], record.Keywords);
        Assert.Equal(["TRAN"], record.Themes);
        Assert.Equal(new SourceResource("CSV", "https://b.example/bus.csv", "CSV"), Assert.Single(record.Resources));
    }

    [Fact]
    public void Values_of_the_wrong_json_type_read_as_missing()
    {
        using var json = JsonDocument.Parse("""{"id": 7, "name": "n-1", "title": ["x"], "tags": "bus", "resources": [1, {"url": 2}]}""");

        var record = CkanRecords.FromPackage(json.RootElement, "https://b.example");

        Assert.Equal("n-1", record.Id);
        Assert.Equal("n-1", record.Title);
        Assert.Empty(record.Keywords);
        Assert.Null(Assert.Single(record.Resources).Url);
    }

    [Fact]
    public void A_search_result_without_results_is_a_format_error()
    {
        using var json = JsonDocument.Parse("""{"count": 3}""");

        Assert.Throws<FormatException>(() => CkanRecords.FromSearch(json.RootElement, "https://b.example"));
    }

    [Theory]
    [InlineData("""{"id": "p", "private": true}""", false)]
    [InlineData("""{"id": "p", "extras": [{"key": "dataset_class", "value": "private"}]}""", false)]
    [InlineData("""{"id": "p", "extras": [{"key": "dataset_class", "value": "personal"}]}""", false)]
    [InlineData("""{"id": "p", "extras": [{"key": "dataset_class", "value": "public"}]}""", true)]
    [InlineData("""{"id": "p", "private": false}""", true)]
    public void A_package_marked_private_or_of_private_or_personal_data_is_not_open_data(string package, bool open)
    {
        using var json = JsonDocument.Parse(package);

        Assert.Equal(open, CkanRecords.FromPackage(json.RootElement, "https://b.example").OpenData);
    }
}
