using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Features.Datasets;

public sealed record SchemaFieldWire(string? Name, string? Type, bool Required = false);

public sealed record SchemaWire(IReadOnlyList<SchemaFieldWire>? Fields, string? SubjectField);

/// <summary>A personal dataset's data category and items; a sensitive item (要配慮個人情報) needs explicit consent.</summary>
public sealed record PersonalItemWire(string? Field, bool Sensitive = false);

public sealed record PersonalWire(string? Category, IReadOnlyList<PersonalItemWire>? Items);

public sealed record CreateDatasetRequest(
    string? Id,
    string? Class,
    string? Title,
    string? Description,
    IReadOnlyList<string>? Keywords,
    IReadOnlyList<string>? Themes,
    string? Publisher,
    string? Licence,
    string? Spatial,
    DateTimeOffset? TemporalStart,
    DateTimeOffset? TemporalEnd,
    string? UpdateFrequency,
    string? Language,
    SchemaWire? Schema,
    PersonalWire? Personal = null,
    string? SpatialIri = null,
    string? Bbox = null);

public sealed record RevisionResponse(string RevisionId, long Records, long Bytes, DateTimeOffset CreatedAt, string Status);

public sealed record DatasetResponse(
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
    SchemaWire Schema,
    string? CurrentRevisionId,
    IReadOnlyList<RevisionResponse> Revisions,
    DateTimeOffset CreatedAt,
    PersonalWire? Personal = null,
    string? SpatialIri = null,
    string? Bbox = null);

/// <summary>A page of datasets; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record DatasetListResponse(IReadOnlyList<DatasetResponse> Items, string? Next);

public static class DatasetMapping
{
    public static DatasetDefinition ToDefinition(this CreateDatasetRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var cls = Wire.ParseEnum<DatasetClass>(r.Class, "class");
        var schemaFields = Wire.Entries(r.Schema?.Fields, "schema.fields");
        if (schemaFields.Count == 0)
        {
            throw new DomainException(ErrorCodes.SchemaMissing,
                "A dataset needs a schema: { \"fields\": [ { \"name\": \"stop_id\", \"type\": \"string\", \"required\": true } ] }.");
        }
        var fields = schemaFields.Select(f => new SchemaField(f.Name ?? "", Wire.ParseEnum<FieldType>(f.Type, "field type"), f.Required)).ToList();
        var metadata = new DatasetMetadata(
            r.Title?.Trim() ?? "", r.Description?.Trim() ?? "", Clean(Wire.Entries(r.Keywords, "keywords")), Clean(Wire.Entries(r.Themes, "themes")),
            r.Publisher?.Trim() ?? "", r.Licence?.Trim() ?? "", r.Spatial, r.TemporalStart, r.TemporalEnd,
            r.UpdateFrequency, string.IsNullOrWhiteSpace(r.Language) ? "en" : r.Language.Trim(),
            DatasetCoverage.PlaceIri(r.SpatialIri), DatasetCoverage.BoundingBox(r.Bbox));
        var personal = r.Personal is null
            ? null
            : new PersonalDataProfile(r.Personal.Category?.Trim() ?? "",
                [.. Wire.Entries(r.Personal.Items, "personal.items").Select(i => new PersonalDataItem(i.Field?.Trim() ?? "", i.Sensitive))]);
        return new DatasetDefinition(cls, metadata, new DatasetSchema(fields, r.Schema!.SubjectField), personal);
    }

    public static DatasetResponse ToResponse(this DatasetView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var m = v.Definition.Metadata;
        var schema = new SchemaWire(
            [.. v.Definition.Schema.Fields.Select(f => new SchemaFieldWire(f.Name, Wire.Name(f.Type), f.Required))],
            v.Definition.Schema.SubjectField);
        return new DatasetResponse(v.Id, v.ProviderId, Wire.Name(v.Definition.Class), m.Title, m.Description, m.Keywords, m.Themes,
            m.Publisher, m.Licence, m.Spatial, m.TemporalStart, m.TemporalEnd, m.UpdateFrequency, m.Language, schema,
            v.CurrentRevision?.RevisionId, [.. v.Revisions.Select(ToResponse)], v.CreatedAt,
            v.Definition.PersonalProfile is { } p ? new PersonalWire(p.Category, [.. p.Items.Select(i => new PersonalItemWire(i.Field, i.Sensitive))]) : null,
            m.SpatialIri, m.BoundingBox);
    }

    public static RevisionResponse ToResponse(this DatasetRevision r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.RevisionId, r.Records, r.Bytes, r.CreatedAt, Wire.Name(r.Status));
    }

    private static List<string> Clean(IReadOnlyList<string> values) =>
        [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)];
}
