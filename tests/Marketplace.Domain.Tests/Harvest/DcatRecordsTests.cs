using Marketplace.Domain.Harvest;

namespace Marketplace.Domain.Tests.Harvest;

public sealed class DcatRecordsTests
{
    private const string Catalog = """
        @prefix dcat: <http://www.w3.org/ns/dcat#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        <https://b.example/catalog> a dcat:Catalog ; dcat:dataset <https://b.example/catalog/datasets/bus> .
        <https://b.example/catalog/datasets/bus> a dcat:Dataset ;
            dct:identifier "bus" ;
            dct:title "Bus stops"@en, "バス停"@ja ;
            dct:description "Every stop" ;
            dcat:keyword "bus", "transport" ;
            dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TRAN> ;
            dct:publisher <https://b.example/providers/p1> ;
            dcat:landingPage <https://b.example/offerings/bus> ;
            dcat:distribution <https://b.example/catalog/datasets/bus#distribution> .
        <https://b.example/providers/p1> a foaf:Agent ; foaf:name "Transit bureau" .
        <https://b.example/catalog/datasets/bus#distribution> a dcat:Distribution ;
            dct:license <http://spdx.org/licenses/CC-BY-4.0> ;
            dct:title "CSV" ;
            dcat:accessURL <https://b.example/api/v1/offerings/bus/download?format=csv> ;
            dcat:downloadURL <https://b.example/api/v1/offerings/bus/download?format=csv> .
        <https://elsewhere.example/source> a dcat:Dataset ; dct:title "Not listed by the catalog" .
        """;

    [Fact]
    public void A_catalogs_dataset_reads_with_its_metadata_publisher_and_distribution()
    {
        var record = Assert.Single(DcatRecords.From(TurtleReader.Read(Catalog)));

        Assert.Equal("bus", record.Id);
        Assert.Equal("バス停", record.Title);
        Assert.Equal("Every stop", record.Description);
        Assert.Equal(["bus", "transport"], record.Keywords);
        Assert.Equal(["http://publications.europa.eu/resource/authority/data-theme/TRAN"], record.Themes);
        Assert.Equal("http://spdx.org/licenses/CC-BY-4.0", record.Licence);
        Assert.Equal("Transit bureau", record.Publisher);
        Assert.Equal("https://b.example/offerings/bus", record.LandingPage);
        Assert.Equal(new SourceResource("CSV", "https://b.example/api/v1/offerings/bus/download?format=csv", null), Assert.Single(record.Resources));
    }

    [Fact]
    public void Without_an_identifier_or_landing_page_the_dataset_iri_stands_for_both()
    {
        var record = Assert.Single(DcatRecords.From(TurtleReader.Read(
            "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<https://b.example/d/1> a dcat:Dataset .")));

        Assert.Equal("https://b.example/d/1", record.Id);
        Assert.Equal("https://b.example/d/1", record.LandingPage);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;", true)]
    [InlineData("dct:accessRights <http://publications.europa.eu/resource/authority/access-right/RESTRICTED> ;", false)]
    [InlineData("dct:accessRights <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;", false)]
    public void A_dataset_whose_access_rights_are_not_public_is_not_open_data(string accessRights, bool open)
    {
        var record = Assert.Single(DcatRecords.From(TurtleReader.Read($"""
            @prefix dcat: <http://www.w3.org/ns/dcat#> .
            @prefix dct: <http://purl.org/dc/terms/> .
            <https://b.example/d> a dcat:Dataset ; {accessRights} dct:title "D" .
            """)));

        Assert.Equal(open, record.OpenData);
    }
}
