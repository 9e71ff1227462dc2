using System.Text.Json;

namespace Marketplace.Domain.NgsiLd;

/// <summary>
/// Turns notified NGSI-LD entities into records of a dataset by the feed's mapping: each entity becomes one
/// record (canonical JSON, as an upload's row would), or a problem that names the entity and the attribute at
/// fault, e.g. "entity urn:ngsi-ld:AirQualityObserved:sensor-7: attribute 'NO2' is a Relationship, but field
/// 'no2' is a number". Attributes are read in the normalized form (Property, GeoProperty, Relationship, …), the
/// concise form (<c>{ "value": … }</c>, <c>{ "object": … }</c>) and the keyValues form (a bare value).
/// </summary>
public sealed class NgsiLdEntityMapping
{
    /// <summary>Most problems listed for one notification; the rest are counted.</summary>
    public const int MaxListedProblems = 10;

    private readonly NgsiLdFeed feed;
    private readonly DatasetSchema schema;
    private readonly NgsiLdTerms terms;
    private readonly (int Field, NgsiLdSource Source)[] plan;

    public NgsiLdEntityMapping(NgsiLdFeed feed, DatasetSchema schema, NgsiLdTerms terms)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(schema);
        this.feed = feed;
        this.schema = schema;
        this.terms = terms ?? throw new ArgumentNullException(nameof(terms));
        var positions = schema.Fields.Select((f, i) => (f.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        plan = [.. feed.Mappings.Where(m => positions.ContainsKey(m.Field)).Select(m => (positions[m.Field], NgsiLdSource.Parse(m.Source)))];
    }

    /// <summary>
    /// Maps every entity; any problem rejects them all (<see cref="ErrorCodes.NgsiLdEntityInvalid"/>, 422) with the
    /// first <see cref="MaxListedProblems"/> problems in the message, so nothing of a bad notification is half kept.
    /// </summary>
    public IReadOnlyList<ParsedRecord> Map(IReadOnlyList<JsonElement> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        using var json = new RecordJsonWriter(schema);
        var records = new List<ParsedRecord>(entities.Count);
        var problems = new List<string>();
        var problemCount = 0;
        for (var i = 0; i < entities.Count; i++)
        {
            var errors = new List<string>();
            var record = MapOne(i + 1, entities[i], json, errors);
            if (errors.Count > 0)
            {
                problemCount += errors.Count;
                problems.AddRange(errors.Take(MaxListedProblems - problems.Count));
            }
            else
            {
                records.Add(record!);
            }
        }
        if (problemCount > 0)
        {
            var more = problemCount > problems.Count ? $" (and {problemCount - problems.Count} more)" : "";
            throw new DomainException(ErrorCodes.NgsiLdEntityInvalid,
                $"{string.Join("; ", problems)}{more}. Nothing of this notification was kept; fix the entities or the feed's mapping and notify again.");
        }
        return records;
    }

    private ParsedRecord? MapOne(int position, JsonElement entity, RecordJsonWriter json, List<string> errors)
    {
        Dictionary<string, JsonElement> members;
        try
        {
            members = NgsiLdNotification.Members(entity, terms);
        }
        catch (DomainException ex)
        {
            errors.Add($"entity {position} of 'data': {ex.Message}");
            return null;
        }
        var id = members.TryGetValue("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add($"entity {position} of 'data' has no id");
            return null;
        }
        var name = $"entity {id}";
        var types = Types(members);
        var type = types.FirstOrDefault(t => feed.EntityTypes.Contains(t, StringComparer.Ordinal));
        if (type is null)
        {
            errors.Add($"{name}: type {(types.Count == 0 ? "missing" : $"'{string.Join("', '", types)}'")} is not one the feed accepts ({string.Join(", ", feed.EntityTypes)})");
            return null;
        }
        var values = new object?[schema.Fields.Count];
        foreach (var (index, source) in plan)
        {
            var field = schema.Fields[index];
            values[index] = Read(name, id, type, members, source, field, errors);
            if (values[index] is null && field.Required && errors.Count == 0)
            {
                errors.Add($"{name}: {(source.Attribute is null ? $"'{source.Kind}'" : $"attribute '{source.Attribute}'")} is missing, but field '{field.Name}' is required");
            }
        }
        return errors.Count > 0 ? null : json.Build(position, values, errors);
    }

    private List<string> Types(Dictionary<string, JsonElement> members)
    {
        if (!members.TryGetValue("type", out var type))
        {
            return [];
        }
        return type.ValueKind switch
        {
            JsonValueKind.String => [terms.Compact(type.GetString()!)],
            JsonValueKind.Array => [.. type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => terms.Compact(t.GetString()!))],
            _ => [],
        };
    }

    private object? Read(string name, string id, string type, Dictionary<string, JsonElement> members, NgsiLdSource source, SchemaField field, List<string> errors)
    {
        switch (source.Kind)
        {
            case NgsiLdSourceKind.EntityId:
                return id;
            case NgsiLdSourceKind.EntityType:
                return type;
            case NgsiLdSourceKind.EntityObservedAt:
                return LatestObservedAt(members, field);
        }
        if (!members.TryGetValue(source.Attribute!, out var raw) || raw.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var attribute = Attribute.Of(raw, terms);
        var at = $"{name}: attribute '{source.Attribute}'";
        switch (source.Kind)
        {
            case NgsiLdSourceKind.ObservedAt:
                return attribute.ObservedAt is { } observed ? Convert(at + ".observedAt", field, observed, errors) : null;
            case NgsiLdSourceKind.UnitCode:
                return attribute.UnitCode is { } unit ? Convert(at + ".unitCode", field, unit, errors) : null;
            case NgsiLdSourceKind.Latitude or NgsiLdSourceKind.Longitude:
                return Coordinate(at, attribute, source.Kind == NgsiLdSourceKind.Latitude, field, errors);
        }
        switch (attribute.Kind)
        {
            case "Property" or "TemporalProperty":
                var value = attribute.Value is { ValueKind: JsonValueKind.Object } wrapped && wrapped.TryGetProperty("@value", out var inner) ? inner : attribute.Value;
                return value is { ValueKind: not JsonValueKind.Null } present ? Convert(at, field, present, errors) : null;
            case "Relationship" or "VocabProperty":
                return AsText(at, attribute, field, errors, attribute.Value is { ValueKind: JsonValueKind.String } target ? target.GetString() : attribute.Value?.GetRawText());
            case "GeoProperty" or "JsonProperty" or "ListProperty" or "ListRelationship" or "LanguageProperty":
                return AsText(at, attribute, field, errors, attribute.Value?.GetRawText());
            default:
                errors.Add($"{at} has type '{attribute.Kind}', which is not an NGSI-LD attribute type (Property, GeoProperty, Relationship, …)");
                return null;
        }
    }

    private static object? AsText(string at, Attribute attribute, SchemaField field, List<string> errors, string? text)
    {
        if (field.Type != FieldType.String)
        {
            var hint = attribute.Kind == "GeoProperty" ? "; map its .latitude and .longitude to Number fields instead" : "";
            errors.Add($"{at} is a {attribute.Kind}, but field '{field.Name}' is {FieldValues.Expected(field.Type)}{hint}");
            return null;
        }
        return text;
    }

    private static object? Convert(string at, SchemaField field, JsonElement value, List<string> errors)
    {
        if (value.ValueKind == JsonValueKind.String && FieldValues.IsMissing(field.Type, value.GetString()!))
        {
            return null;
        }
        if (FieldValues.TryConvertJson(field.Type, value, out var converted, out var problem))
        {
            return converted;
        }
        errors.Add($"{at} (field '{field.Name}'): {problem}");
        return null;
    }

    private static object? Coordinate(string at, Attribute attribute, bool latitude, SchemaField field, List<string> errors)
    {
        if (attribute.Kind != "GeoProperty" || attribute.Value is not { ValueKind: JsonValueKind.Object } geometry)
        {
            errors.Add($"{at} is a {attribute.Kind}, not a GeoProperty; field '{field.Name}' needs a Point's {(latitude ? "latitude" : "longitude")}");
            return null;
        }
        var isPoint = geometry.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() is "Point" or "https://purl.org/geojson/vocab#Point";
        if (!isPoint || !geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array
            || coordinates.GetArrayLength() < 2 || coordinates[latitude ? 1 : 0] is not { ValueKind: JsonValueKind.Number } number
            || !number.TryGetDouble(out var degrees) || Math.Abs(degrees) > (latitude ? 90 : 180))
        {
            errors.Add($"{at} is not a GeoJSON Point with [longitude, latitude] coordinates; field '{field.Name}' needs its {(latitude ? "latitude" : "longitude")}");
            return null;
        }
        return degrees;
    }

    private object? LatestObservedAt(Dictionary<string, JsonElement> members, SchemaField field)
    {
        DateTimeOffset? latest = null;
        string? latestText = null;
        foreach (var (name, value) in members)
        {
            if (name is "id" or "type" or "@context" || value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                continue;
            }
            if (Attribute.Of(value, terms).ObservedAt is { ValueKind: JsonValueKind.String } observed
                && FieldValues.TryParseText(FieldType.DateTime, observed.GetString()!, out var parsed) && parsed is DateTimeOffset at
                && (latest is null || at > latest))
            {
                latest = at;
                latestText = observed.GetString();
            }
        }
        return field.Type == FieldType.String ? latestText : latest;
    }

    /// <summary>One attribute instance as read: its NGSI-LD type and the members that matter here.</summary>
    private sealed record Attribute(string Kind, JsonElement? Value, JsonElement? ObservedAt, JsonElement? UnitCode)
    {
        public static Attribute Of(JsonElement raw, NgsiLdTerms terms)
        {
            if (raw.ValueKind == JsonValueKind.Array)
            {
                // A multi-attribute: the default instance (no datasetId) is the one a record holds.
                var instances = raw.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).ToList();
                var chosen = instances.FirstOrDefault(i => !NgsiLdNotification.Members(i, terms).ContainsKey("datasetId"));
                raw = chosen.ValueKind == JsonValueKind.Object ? chosen : instances.FirstOrDefault();
                if (raw.ValueKind != JsonValueKind.Object)
                {
                    return new("Property", null, null, null);
                }
            }
            if (raw.ValueKind != JsonValueKind.Object)
            {
                return new("Property", raw, null, null); // keyValues: the value itself
            }
            var members = NgsiLdNotification.Members(raw, terms);
            JsonElement? Member(string name) => members.TryGetValue(name, out var v) ? v : null;
            var declared = Member("type") is { ValueKind: JsonValueKind.String } t ? terms.Compact(t.GetString()!) : null;
            var kind = declared ?? (members.ContainsKey("object") ? "Relationship" : members.ContainsKey("languageMap") ? "LanguageProperty"
                : members.ContainsKey("vocab") ? "VocabProperty" : members.ContainsKey("json") ? "JsonProperty" : "Property");
            var value = kind switch
            {
                "Relationship" => Member("object"),
                "ListRelationship" => Member("objectList"),
                "LanguageProperty" => Member("languageMap"),
                "VocabProperty" => Member("vocab"),
                "JsonProperty" => Member("json"),
                "ListProperty" => Member("valueList"),
                _ => Member("value"),
            };
            if (declared is null && kind == "Property" && value is null)
            {
                value = raw; // keyValues with an object value, e.g. a bare GeoJSON geometry
            }
            return new(kind, value, Member("observedAt"), Member("unitCode"));
        }
    }
}
