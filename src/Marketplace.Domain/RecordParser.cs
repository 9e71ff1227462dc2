namespace Marketplace.Domain;

/// <summary>
/// Checks uploaded rows against a <see cref="DatasetSchema"/>, one row at a time so uploads of any size stream
/// through. Every problem is reported as "line N, field 'x': what is wrong"; empty values count as missing, so the
/// same data gives the same canonical JSON whether it came as CSV or JSON Lines.
/// </summary>
public static partial class RecordParser
{
    /// <summary>Longest record read, in characters (1 MiB); a longer line is refused without being held in memory.</summary>
    public const int MaxRecordChars = 1 << 20;

    /// <summary>Most values one CSV row or JSON object may hold.</summary>
    public const int MaxValuesPerRecord = DatasetSchema.MaxFields;

    private static object?[] NewRow(DatasetSchema schema) => new object?[schema.Fields.Count];

    /// <summary>Checks the arguments eagerly (iterators would defer it) and maps field names to positions.</summary>
    private static Dictionary<string, int> FieldPositions(TextReader reader, DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.Fields.Count == 0)
        {
            throw new DomainException(ErrorCodes.SchemaNoFields, "A schema needs at least one field before records can be checked against it.");
        }
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < schema.Fields.Count; i++)
        {
            positions.TryAdd(schema.Fields[i].Name, i);
        }
        return positions;
    }

    /// <summary>Converts one present-or-missing text value, recording a problem in <paramref name="errors"/>.</summary>
    private static object? FromText(long line, SchemaField field, string text, List<string> errors)
    {
        if (FieldValues.IsMissing(field.Type, text))
        {
            RequireIfNeeded(line, field, errors);
            return null;
        }
        if (FieldValues.TryParseText(field.Type, text, out var value))
        {
            return value;
        }
        errors.Add(RecordJsonWriter.FieldError(line, field, $"{FieldValues.Show(text)} is not {FieldValues.Expected(field.Type)}"));
        return null;
    }

    private static void RequireIfNeeded(long line, SchemaField field, List<string> errors)
    {
        if (field.Required)
        {
            errors.Add(RecordJsonWriter.FieldError(line, field, "a value is required"));
        }
    }

    /// <summary>All unknown names of one line in one problem: the schema's field list is said once, however many there are.</summary>
    private static string UnknownNames(string noun, List<string> quotedNames, DatasetSchema schema)
    {
        const int Listed = 20;
        var names = string.Join(", ", quotedNames.Take(Listed)) + (quotedNames.Count > Listed ? $" and {quotedNames.Count - Listed} more" : "");
        return $"unknown {noun}{(quotedNames.Count == 1 ? "" : "s")} {names}; the schema's fields are: {FieldList(schema)} (names are case-sensitive)";
    }

    private static string FieldList(DatasetSchema schema) => string.Join(", ", schema.Fields.Select(f => f.Name));
}
