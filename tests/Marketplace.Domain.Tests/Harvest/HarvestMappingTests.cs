using Marketplace.Domain.Harvest;

namespace Marketplace.Domain.Tests.Harvest;

public sealed class HarvestMappingTests
{
    private static readonly HarvestSourceRef Source = new("hs-source", "City B", "City B open data", "https://b.example/api/3/action");
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static SourceRecord Record(string? id = "bus", string? title = "Bus stops", string? landing = "https://b.example/offerings/bus",
        string? url = "https://b.example/bus.csv", string? licence = "CC-BY-4.0", string? description = "Every stop", IReadOnlyList<string>? keywords = null) =>
        new(id, title, description, keywords ?? ["bus"], ["http://publications.europa.eu/resource/authority/data-theme/TRAN"], licence, "Transit bureau", landing,
            [new SourceResource("CSV", url, "CSV")]);

    [Fact]
    public void A_record_maps_to_a_listing_with_its_origin()
    {
        var content = HarvestMapping.Map(Source, Record(), Now);

        Assert.Equal("Bus stops", content.Title);
        Assert.Equal(["TRAN"], content.Themes);
        Assert.Equal("CC-BY-4.0", content.Licence);
        Assert.Equal(new ListingOrigin("hs-source", "City B", "bus", "Transit bureau", "https://b.example/offerings/bus",
            content.Origin.Resources, Now), content.Origin);
        Assert.Equal(new HarvestedResource("CSV", "https://b.example/bus.csv", "CSV"), Assert.Single(content.Origin.Resources));
    }

    [Fact]
    public void The_listing_id_is_the_same_for_the_same_source_and_dataset_and_differs_otherwise()
    {
        Assert.Equal(HarvestMapping.OfferingId("hs-a", "bus"), HarvestMapping.OfferingId("hs-a", "bus"));
        Assert.NotEqual(HarvestMapping.OfferingId("hs-a", "bus"), HarvestMapping.OfferingId("hs-b", "bus"));
        Assert.NotEqual(HarvestMapping.OfferingId("hs-a", "bus"), HarvestMapping.OfferingId("hs-a", "tram"));
        Assert.True(Identifiers.IsValidSlug(HarvestMapping.OfferingId("hs-a", "データ/1")));
    }

    [Theory]
    [InlineData("<b>Bus</b> stops")]
    [InlineData("Bus <script>alert(1)</script>")]
    [InlineData("Bus &amp; tram")]
    public void A_title_with_html_is_refused_naming_the_dataset(string title)
    {
        var refusal = Assert.Throws<DomainException>(() => HarvestMapping.Map(Source, Record(title: title), Now));

        Assert.Equal(ErrorCodes.HarvestRecordInvalid.Value, refusal.Code);
        Assert.Contains("'bus'", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("HTML", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    [InlineData("/relative")]
    public void A_distribution_url_that_is_not_http_or_https_is_refused(string url)
    {
        var refusal = Assert.Throws<DomainException>(() => HarvestMapping.Map(Source, Record(url: url), Now));

        Assert.Contains("not an http or https URL", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_landing_page_that_is_not_http_or_https_is_refused()
    {
        Assert.Throws<DomainException>(() => HarvestMapping.Map(Source, Record(landing: "ftp://b.example/x"), Now));
    }

    [Fact]
    public void An_over_long_title_is_refused_with_its_length()
    {
        var refusal = Assert.Throws<DomainException>(() => HarvestMapping.Map(Source, Record(title: new string('x', TextBounds.Title + 1)), Now));

        Assert.Contains("201 characters", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_over_long_description_is_refused()
    {
        Assert.Throws<DomainException>(() => HarvestMapping.Map(Source, Record(description: new string('x', TextBounds.Description + 1)), Now));
    }

    [Fact]
    public void Too_many_keywords_are_refused()
    {
        Assert.Throws<DomainException>(() => HarvestMapping.Map(Source, Record(keywords: [.. Enumerable.Range(0, TextBounds.Keywords + 1).Select(i => $"k{i}")]), Now));
    }

    [Fact]
    public void A_record_without_an_id_or_title_is_refused()
    {
        Assert.Throws<DomainException>(() => HarvestMapping.Map(Source, Record(id: " "), Now));
        Assert.Throws<DomainException>(() => HarvestMapping.Map(Source, Record(title: null), Now));
    }

    [Fact]
    public void Control_characters_and_runs_of_spaces_in_a_title_are_cleaned()
    {
        Assert.Equal("Bus stops", HarvestMapping.Map(Source, Record(title: "  Bus\u0000\t  stops\n"), Now).Title);
    }

    [Fact]
    public void Without_a_landing_page_the_source_url_is_the_link_and_a_missing_licence_is_notspecified()
    {
        var content = HarvestMapping.Map(Source, Record(landing: null, licence: null), Now);

        Assert.Equal("https://b.example/api/3/action", content.Origin.SourceLink);
        Assert.Equal(HarvestMapping.UnknownLicence, content.Licence);
    }

    [Fact]
    public void A_licence_iri_reads_as_its_name()
    {
        Assert.Equal("CC-BY-4.0", HarvestMapping.Map(Source, Record(licence: "http://spdx.org/licenses/CC-BY-4.0"), Now).Licence);
    }

    [Fact]
    public void The_same_content_harvested_later_is_the_same_origin_content()
    {
        var first = HarvestMapping.Map(Source, Record(), Now).Origin;
        var later = HarvestMapping.Map(Source, Record(), Now.AddHours(1)).Origin;

        Assert.True(first.SameContentAs(later));
        Assert.False(first.SameContentAs(HarvestMapping.Map(Source, Record(url: "https://b.example/other.csv"), Now).Origin));
    }
}
