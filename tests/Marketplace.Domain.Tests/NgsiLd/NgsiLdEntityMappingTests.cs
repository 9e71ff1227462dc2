using System.Text.Json;
using Marketplace.Domain;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Domain.Tests.NgsiLd;

public sealed class NgsiLdEntityMappingTests
{
    internal static readonly NgsiLdTerms Terms = NgsiLdTerms.Parse("""
        { "@context": { "ngsi-ld": "https://uri.etsi.org/ngsi-ld/", "id": "@id", "type": "@type",
          "Property": "ngsi-ld:Property", "GeoProperty": "ngsi-ld:GeoProperty", "Relationship": "ngsi-ld:Relationship",
          "Notification": "ngsi-ld:Notification", "data": "ngsi-ld:data", "value": "ngsi-ld:hasValue",
          "object": { "@id": "ngsi-ld:hasObject", "@type": "@id" }, "unitCode": "ngsi-ld:unitCode",
          "observedAt": { "@id": "ngsi-ld:observedAt", "@type": "DateTime" },
          "notifiedAt": { "@id": "ngsi-ld:notifiedAt", "@type": "DateTime" },
          "subscriptionId": { "@id": "ngsi-ld:subscriptionId", "@type": "@id" },
          "@vocab": "https://uri.etsi.org/ngsi-ld/default-context/" } }
        """);

    internal static readonly DatasetSchema AirQuality = new(
    [
        new SchemaField("sensor", FieldType.String, true),
        new SchemaField("observed_at", FieldType.DateTime, true),
        new SchemaField("no2", FieldType.Number, false),
        new SchemaField("no2_unit", FieldType.String, false),
        new SchemaField("lat", FieldType.Number, false),
        new SchemaField("lon", FieldType.Number, false),
    ], null);

    internal static readonly NgsiLdFeed Feed = new(["AirQualityObserved"],
    [
        new NgsiLdMapping("id", "sensor"),
        new NgsiLdMapping("dateObserved", "observed_at"),
        new NgsiLdMapping("no2", "no2"),
        new NgsiLdMapping("no2.unitCode", "no2_unit"),
        new NgsiLdMapping("location.latitude", "lat"),
        new NgsiLdMapping("location.longitude", "lon"),
    ], TimeSpan.FromHours(1));

    private static IReadOnlyList<ParsedRecord> Map(string entities) =>
        new NgsiLdEntityMapping(Feed, AirQuality, Terms).Map([.. JsonDocument.Parse(entities).RootElement.EnumerateArray()]);

    [Fact]
    public void A_normalized_entity_becomes_one_record_in_schema_order()
    {
        var records = Map("""
            [{ "id": "urn:ngsi-ld:AirQualityObserved:sensor-7", "type": "AirQualityObserved",
               "dateObserved": { "type": "Property", "value": { "@type": "DateTime", "@value": "2026-11-10T09:00:00Z" } },
               "no2": { "type": "Property", "value": 22.5, "unitCode": "GQ", "observedAt": "2026-11-10T09:00:00Z" },
               "location": { "type": "GeoProperty", "value": { "type": "Point", "coordinates": [139.69, 35.68] } } }]
            """);

        Assert.Equal("""{"sensor":"urn:ngsi-ld:AirQualityObserved:sensor-7","observed_at":"2026-11-10T09:00:00+00:00","no2":22.5,"no2_unit":"GQ","lat":35.68,"lon":139.69}""",
            Assert.Single(records).Json);
    }

    [Fact]
    public void Expanded_core_iris_and_default_vocabulary_names_are_recognised()
    {
        var records = Map("""
            [{ "@id": "urn:ngsi-ld:AirQualityObserved:s1", "@type": "AirQualityObserved",
               "https://uri.etsi.org/ngsi-ld/default-context/dateObserved": { "type": "https://uri.etsi.org/ngsi-ld/Property", "https://uri.etsi.org/ngsi-ld/hasValue": "2026-11-10T09:00:00Z" },
               "no2": { "type": "ngsi-ld:Property", "ngsi-ld:hasValue": 3 } }]
            """);

        Assert.Contains("\"no2\":3", Assert.Single(records).Json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relationship_mapped_to_a_number_field_names_the_entity_and_the_attribute()
    {
        var error = Assert.Throws<DomainException>(() => Map("""
            [{ "id": "urn:ngsi-ld:AirQualityObserved:sensor-7", "type": "AirQualityObserved",
               "dateObserved": { "type": "Property", "value": "2026-11-10T09:00:00Z" },
               "no2": { "type": "Relationship", "object": "urn:ngsi-ld:Device:d1" } }]
            """));

        Assert.Equal(ErrorCodes.NgsiLdEntityInvalid.Value, error.Code);
        Assert.StartsWith("entity urn:ngsi-ld:AirQualityObserved:sensor-7: attribute 'no2' is a Relationship, but field 'no2' is a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_entity_the_attribute_and_the_field()
    {
        var error = Assert.Throws<DomainException>(() => Map("""
            [{ "id": "urn:ngsi-ld:AirQualityObserved:s2", "type": "AirQualityObserved",
               "dateObserved": { "type": "Property", "value": "2026-11-10T09:00:00Z" },
               "no2": { "type": "Property", "value": "high" } }]
            """));

        Assert.Contains("entity urn:ngsi-ld:AirQualityObserved:s2: attribute 'no2' (field 'no2'): 'high' is a JSON string, not a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_attribute_for_a_required_field_is_refused()
    {
        var error = Assert.Throws<DomainException>(() => Map("""[{ "id": "urn:ngsi-ld:AirQualityObserved:s3", "type": "AirQualityObserved" }]"""));

        Assert.Contains("entity urn:ngsi-ld:AirQualityObserved:s3: attribute 'dateObserved' is missing, but field 'observed_at' is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entity_of_a_type_the_feed_does_not_accept_is_refused()
    {
        var error = Assert.Throws<DomainException>(() => Map("""[{ "id": "urn:ngsi-ld:Parking:p1", "type": "ParkingSpot" }]"""));

        Assert.Contains("entity urn:ngsi-ld:Parking:p1: type 'ParkingSpot' is not one the feed accepts (AirQualityObserved)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_bad_entity_rejects_the_whole_notification()
    {
        Assert.Throws<DomainException>(() => Map("""
            [{ "id": "urn:a:1", "type": "AirQualityObserved", "dateObserved": { "type": "Property", "value": "2026-11-10T09:00:00Z" } },
             { "id": "urn:a:2", "type": "AirQualityObserved" }]
            """));
    }

    [Fact]
    public void Key_values_entities_are_read_as_bare_values()
    {
        var records = Map("""[{ "id": "urn:a:1", "type": "AirQualityObserved", "dateObserved": "2026-11-10T09:00:00Z", "no2": 4 }]""");

        Assert.Contains("\"no2\":4", Assert.Single(records).Json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_location_that_is_not_a_point_cannot_fill_a_coordinate()
    {
        var error = Assert.Throws<DomainException>(() => Map("""
            [{ "id": "urn:a:1", "type": "AirQualityObserved", "dateObserved": "2026-11-10T09:00:00Z",
               "location": { "type": "GeoProperty", "value": { "type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]] } } }]
            """));

        Assert.Contains("attribute 'location' is not a GeoJSON Point", error.Message, StringComparison.Ordinal);
    }
}
