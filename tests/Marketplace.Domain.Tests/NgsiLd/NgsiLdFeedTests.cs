using Marketplace.Domain;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Domain.Tests.NgsiLd;

public sealed class NgsiLdFeedTests
{
    private static readonly DatasetSchema Schema = NgsiLdEntityMappingTests.AirQuality;

    private static NgsiLdFeed With(params NgsiLdMapping[] mappings) =>
        NgsiLdEntityMappingTests.Feed with { Mappings = [new NgsiLdMapping("id", "sensor"), new NgsiLdMapping("dateObserved", "observed_at"), .. mappings] };

    [Fact]
    public void The_sample_feed_fits_its_schema() => NgsiLdEntityMappingTests.Feed.Validate(Schema);

    [Fact]
    public void The_entity_id_cannot_fill_a_number_field()
    {
        var error = Assert.Throws<DomainException>(() => With(new NgsiLdMapping("id", "no2")).Validate(Schema));

        Assert.Contains("'id' gives the entity id (text), but field 'no2' is a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_outside_the_schema_is_named()
    {
        var error = Assert.Throws<DomainException>(() => With(new NgsiLdMapping("pm25", "pm2_5")).Validate(Schema));

        Assert.Contains("Field 'pm2_5' is not in the dataset's schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_required_field_must_be_mapped()
    {
        var feed = NgsiLdEntityMappingTests.Feed with { Mappings = [new NgsiLdMapping("id", "sensor")] };

        var error = Assert.Throws<DomainException>(() => feed.Validate(Schema));

        Assert.Contains("Field 'observed_at' is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_is_mapped_once()
    {
        Assert.Throws<DomainException>(() => With(new NgsiLdMapping("no2", "no2"), new NgsiLdMapping("pm25", "no2")).Validate(Schema));
    }

    [Theory]
    [InlineData("PT30S")]
    [InlineData("P2D")]
    [InlineData("PT90S")]
    public void An_interval_outside_a_minute_to_a_day_in_whole_minutes_is_refused(string interval)
    {
        var feed = NgsiLdEntityMappingTests.Feed with { Interval = NgsiLdFeed.ParseInterval(interval) };

        Assert.Equal(ErrorCodes.NgsiLdFeedInvalid.Value, Assert.Throws<DomainException>(() => feed.Validate(Schema)).Code);
    }

    [Fact]
    public void An_interval_that_is_no_duration_is_refused() =>
        Assert.Throws<DomainException>(() => NgsiLdFeed.ParseInterval("hourly"));

    [Fact]
    public void Hourly_intervals_close_on_the_hour()
    {
        var (start, end) = NgsiLdEntityMappingTests.Feed.IntervalOf(new DateTimeOffset(2026, 11, 10, 9, 41, 5, TimeSpan.FromHours(9)));

        Assert.Equal(new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(new DateTimeOffset(2026, 11, 10, 1, 0, 0, TimeSpan.Zero), end);
    }

    [Fact]
    public void A_notification_sent_as_linked_data_needs_its_context()
    {
        using var body = System.Text.Json.JsonDocument.Parse("""{ "id": "urn:n:1", "type": "Notification", "data": [] }""");

        var error = Assert.Throws<DomainException>(() => NgsiLdNotification.Read(body.RootElement, linkedData: true, NgsiLdEntityMappingTests.Terms, 10));

        Assert.Equal(ErrorCodes.NgsiLdNotificationInvalid.Value, error.Code);
    }

    [Fact]
    public void A_notification_with_more_entities_than_the_bound_is_too_large()
    {
        using var body = System.Text.Json.JsonDocument.Parse("""{ "id": "urn:n:1", "type": "Notification", "data": [{}, {}, {}] }""");

        var error = Assert.Throws<DomainException>(() => NgsiLdNotification.Read(body.RootElement, linkedData: false, NgsiLdEntityMappingTests.Terms, 2));

        Assert.Equal(ErrorKind.TooLarge, error.Kind);
    }
}
