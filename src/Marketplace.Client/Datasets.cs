namespace Marketplace.Client;

/// <param name="Type">string, integer, number, boolean, date or datetime.</param>
public sealed record SchemaField(string Name, string Type, bool Required = false);

/// <param name="SubjectField">The field naming the data subject; set only on personal data.</param>
public sealed record DatasetSchema(IReadOnlyList<SchemaField> Fields, string? SubjectField = null);

/// <summary>One data item of a personal dataset; <paramref name="Sensitive"/> items (要配慮個人情報) need explicit consent.</summary>
public sealed record PersonalDataItem(string Field, bool Sensitive = false);

/// <param name="Category">health, mobility, location, demographic, lifestyle or financial.</param>
public sealed record PersonalData(string Category, IReadOnlyList<PersonalDataItem> Items);

/// <param name="Class">public, private or personal.</param>
/// <param name="Spatial">The area covered, in words.</param>
/// <param name="SpatialIri">The area as a gazetteer IRI, e.g. https://sws.geonames.org/1850147/ (GeoNames).</param>
/// <param name="Bbox">The area as a WKT POLYGON in WGS 84, longitude before latitude.</param>
public sealed record CreateDatasetRequest(
    string Id,
    string Class,
    string Title,
    string Description,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Themes,
    string Publisher,
    string Licence,
    string? Spatial,
    DateTimeOffset? TemporalStart,
    DateTimeOffset? TemporalEnd,
    string? UpdateFrequency,
    string Language,
    DatasetSchema Schema,
    PersonalData? Personal = null,
    string? SpatialIri = null,
    string? Bbox = null);

/// <param name="Status">current or retired.</param>
public sealed record Revision(string RevisionId, long Records, long Bytes, DateTimeOffset CreatedAt, string Status);

public sealed record Dataset(
    string Id,
    string ProviderId,
    string Class,
    string Title,
    string Description,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Themes,
    string Publisher,
    string Licence,
    string? Spatial,
    DateTimeOffset? TemporalStart,
    DateTimeOffset? TemporalEnd,
    string? UpdateFrequency,
    string Language,
    DatasetSchema Schema,
    string? CurrentRevisionId,
    IReadOnlyList<Revision> Revisions,
    DateTimeOffset CreatedAt,
    PersonalData? Personal = null,
    string? SpatialIri = null,
    string? Bbox = null);

/// <summary>A page of datasets; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record DatasetList(IReadOnlyList<Dataset> Items, string? Next = null);
