using System.Text.Json;

namespace Marketplace.Domain;

public static partial class RecordParser
{
    /// <summary>Parses JSON Lines: one object per line, blank lines skipped, properties named exactly as the schema's fields.</summary>
    public static IEnumerable<ParsedRecord> ParseJsonLines(TextReader reader, DatasetSchema schema)
    {
        var positions = FieldPositions(reader, schema);
        return ReadJsonLines(reader, schema, positions);
    }

    private static IEnumerable<ParsedRecord> ReadJsonLines(TextReader reader, DatasetSchema schema, Dictionary<string, int> positions)
    {
        using var json = new RecordJsonWriter(schema);
        var lines = new LineReader(reader, MaxRecordChars);
        while (lines.Read() is { } text)
        {
            var line = lines.Line;
            if (lines.TooLong)
            {
                yield return ParsedRecord.Invalid(line, [RecordJsonWriter.LineError(line,
                    $"the line is longer than {MaxRecordChars / (1 << 20)} MiB of text; shorten or leave out its longest values")]);
                continue;
            }
            if (line == 1)
            {
                text = text.TrimStart('\uFEFF');
            }
            if (!string.IsNullOrWhiteSpace(text))
            {
                yield return ParseJsonLine(line, text, schema, positions, json);
            }
        }
    }

    private static ParsedRecord ParseJsonLine(long line, string text, DatasetSchema schema, Dictionary<string, int> positions, RecordJsonWriter json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            return ParsedRecord.Invalid(line, [RecordJsonWriter.LineError(line,
                $"not valid JSON: {WithoutPosition(ex.Message)}")]);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ParsedRecord.Invalid(line, [RecordJsonWriter.LineError(line, "expected a JSON object such as {\"field\": value}")]);
            }
            return ParseObject(line, document.RootElement, schema, positions, json);
        }
    }

    private static ParsedRecord ParseObject(long line, JsonElement root, DatasetSchema schema, Dictionary<string, int> positions, RecordJsonWriter json)
    {
        if (root.GetPropertyCount() > MaxValuesPerRecord)
        {
            return ParsedRecord.Invalid(line, [RecordJsonWriter.LineError(line,
                $"the object has more than {MaxValuesPerRecord} values; a dataset has at most {MaxValuesPerRecord} fields")]);
        }
        var errors = new List<string>();
        var elements = new JsonElement?[schema.Fields.Count];
        var unknown = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (!positions.TryGetValue(property.Name, out var index))
            {
                unknown.Add($"'{property.Name}'");
            }
            else if (elements[index] is not null)
            {
                errors.Add(RecordJsonWriter.LineError(line, $"field '{property.Name}' appears more than once"));
            }
            else
            {
                elements[index] = property.Value;
            }
        }
        if (unknown.Count > 0)
        {
            errors.Add(RecordJsonWriter.LineError(line, UnknownNames("field", unknown, schema)));
        }
        var values = NewRow(schema);
        for (var i = 0; i < schema.Fields.Count; i++)
        {
            values[i] = FromJson(line, schema.Fields[i], elements[i], errors);
        }
        return json.Build(line, values, errors);
    }

    private static object? FromJson(long line, SchemaField field, JsonElement? element, List<string> errors)
    {
        if (element is not { ValueKind: not JsonValueKind.Null } present
            || (present.ValueKind == JsonValueKind.String && FieldValues.IsMissing(field.Type, present.GetString()!)))
        {
            RequireIfNeeded(line, field, errors);
            return null;
        }
        if (FieldValues.TryConvertJson(field.Type, present, out var value, out var problem))
        {
            return value;
        }
        errors.Add(RecordJsonWriter.FieldError(line, field, problem!));
        return null;
    }

    // System.Text.Json appends its own zero-based position, which would contradict the line we report.
    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }
}
