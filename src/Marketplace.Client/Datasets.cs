namespace Marketplace.Client;

/// <param name="Type">string, integer, number, boolean, date or datetime.</param>
public sealed record SchemaField(string Name, string Type, bool Required = false);

/// <param name="SubjectField">The field naming the data subject; set only on personal data.</param>
public sealed record DatasetSchema(IReadOnlyList<SchemaField> Fields, string? SubjectField = null);

/// <param name="Class">public, private or personal.</param>
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
    DatasetSchema Schema);

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
    DateTimeOffset CreatedAt);

/// <summary>A page of datasets; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record DatasetList(IReadOnlyList<Dataset> Items, string? Next = null);
