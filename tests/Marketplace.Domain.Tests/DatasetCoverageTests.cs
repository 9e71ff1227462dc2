namespace Marketplace.Domain.Tests;

public sealed class DatasetCoverageTests
{
    private const string Box = "POLYGON((139.60 35.43, 139.68 35.43, 139.68 35.49, 139.60 35.49, 139.60 35.43))";

    [Fact]
    public void A_bounding_box_is_kept_in_one_canonical_spelling()
    {
        Assert.Equal(Box, DatasetCoverage.BoundingBox("  polygon (( 139.60 35.43,139.68 35.43, 139.68  35.49, 139.60 35.49, 139.60 35.43 ))"));
    }

    [Theory]
    [InlineData("POINT(139.6 35.4)", "not a WKT polygon")]
    [InlineData("POLYGON((139.60 35.43, 139.68 35.43, 139.60 35.43))", "at least four points")]
    [InlineData("POLYGON((139.60 35.43, 139.68 35.43, 139.68 35.49, 139.60 35.49))", "end where it starts")]
    [InlineData("POLYGON((35.43 139.60, 35.43 139.68, 35.49 139.68, 35.43 139.60))", "off the globe")]
    [InlineData("POLYGON((139.60 35.43, east 35.43, 139.68 35.49, 139.60 35.43))", "is not a point")]
    public void A_bounding_box_that_is_not_a_closed_wgs84_polygon_is_refused_saying_why(string box, string why)
    {
        var e = Assert.Throws<DomainException>(() => DatasetCoverage.BoundingBox(box));

        Assert.Equal(ErrorCodes.DatasetInvalidBoundingBox.Value, e.Code);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Minato-Mirai")]
    [InlineData("urn:jp:14100")]
    [InlineData("ftp://sws.geonames.org/1850147/")]
    [InlineData("https://sws.geonames.org/1850 147/")]
    public void A_place_that_is_not_an_absolute_http_iri_is_refused(string iri)
    {
        var e = Assert.Throws<DomainException>(() => DatasetCoverage.PlaceIri(iri));

        Assert.Equal(ErrorCodes.DatasetInvalidSpatial.Value, e.Code);
    }

    [Fact]
    public void A_gazetteer_iri_is_a_place()
    {
        Assert.Equal("https://sws.geonames.org/1848354/", DatasetCoverage.PlaceIri(" https://sws.geonames.org/1848354/ "));
    }

    [Fact]
    public void No_coverage_is_no_coverage()
    {
        Assert.Null(DatasetCoverage.PlaceIri(" "));
        Assert.Null(DatasetCoverage.BoundingBox(null));
    }
}
