namespace Marketplace.Domain.Tests;

/// <summary>Schemas shaped like the city's real datasets, shared so tests don't copy setup.</summary>
internal static class Schemas
{
    public static DatasetSchema AirQuality { get; } = new(
    [
        new SchemaField("station", FieldType.String, Required: true),
        new SchemaField("measured_at", FieldType.DateTime, Required: true),
        new SchemaField("pm25", FieldType.Number, Required: false),
        new SchemaField("samples", FieldType.Integer, Required: false),
        new SchemaField("calibrated", FieldType.Boolean, Required: false),
        new SchemaField("day", FieldType.Date, Required: false),
    ], SubjectField: null);

    public const string AirQualityHeader = "station,measured_at,pm25,samples,calibrated,day";

    public const string AirQualityRow = "st-1,2026-11-01T09:00:00+09:00,12.5,3,true,2026-11-01";

    public const string AirQualityJson =
        """{"station":"st-1","measured_at":"2026-11-01T09:00:00+09:00","pm25":12.5,"samples":3,"calibrated":true,"day":"2026-11-01"}""";

    public static DatasetSchema Residents { get; } = new(
    [
        new SchemaField("resident_id", FieldType.String, Required: true),
        new SchemaField("steps", FieldType.Integer, Required: false),
    ], SubjectField: "resident_id");

    public static IReadOnlyList<ParsedRecord> Csv(string text, DatasetSchema? schema = null) =>
        [.. RecordParser.ParseCsv(new StringReader(text), schema ?? AirQuality)];

    public static IReadOnlyList<ParsedRecord> JsonLines(string text, DatasetSchema? schema = null) =>
        [.. RecordParser.ParseJsonLines(new StringReader(text), schema ?? AirQuality)];
}
