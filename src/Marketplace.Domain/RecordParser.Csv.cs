namespace Marketplace.Domain;

public static partial class RecordParser
{
    /// <summary>
    /// Parses RFC 4180 CSV whose first row names the columns (case-sensitively, in any order; optional columns may
    /// be left out; spaces around a name are ignored). A header problem is reported once, on the header's line, and
    /// no rows are read after it.
    /// </summary>
    public static IEnumerable<ParsedRecord> ParseCsv(TextReader reader, DatasetSchema schema)
    {
        var positions = FieldPositions(reader, schema);
        return ReadCsv(reader, schema, positions);
    }

    private static IEnumerable<ParsedRecord> ReadCsv(TextReader reader, DatasetSchema schema, Dictionary<string, int> positions)
    {
        var rows = new CsvRowReader(reader);
        if (rows.ReadRow() is not { } header)
        {
            yield return ParsedRecord.Invalid(1,
                [RecordJsonWriter.LineError(1, $"the input is empty; the first line must name the columns: {FieldList(schema)}")]);
            yield break;
        }
        var columns = MapColumns(header, schema, positions, out var headerErrors);
        if (headerErrors.Count > 0)
        {
            yield return ParsedRecord.Invalid(header.Line, headerErrors);
            yield break;
        }
        using var json = new RecordJsonWriter(schema);
        while (rows.ReadRow() is { } row)
        {
            yield return ParseCsvRow(row, header.Fields.Count, columns, schema, json);
        }
    }

    /// <summary>For each schema field, the index of its column in the header, or -1 when left out.</summary>
    private static int[] MapColumns(CsvRow header, DatasetSchema schema, Dictionary<string, int> positions, out List<string> errors)
    {
        errors = [];
        if (header.Error is not null)
        {
            errors.Add(RecordJsonWriter.LineError(header.Line, header.Error));
            return [];
        }
        var columns = Enumerable.Repeat(-1, schema.Fields.Count).ToArray();
        var unknown = new List<string>();
        for (var c = 0; c < header.Fields.Count; c++)
        {
            var name = header.Fields[c].Trim();
            if (!positions.TryGetValue(name, out var index))
            {
                unknown.Add($"'{name}'");
            }
            else if (columns[index] >= 0)
            {
                errors.Add(RecordJsonWriter.LineError(header.Line, $"column '{name}' appears more than once"));
            }
            else
            {
                columns[index] = c;
            }
        }
        // Said once for all unknown columns: the field list is as long as the schema, the header may be as wide.
        if (unknown.Count > 0)
        {
            errors.Add(RecordJsonWriter.LineError(header.Line, UnknownNames("column", unknown, schema)));
        }
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i] < 0 && schema.Fields[i].Required)
            {
                errors.Add(RecordJsonWriter.LineError(header.Line, $"required column '{schema.Fields[i].Name}' is missing"));
            }
        }
        return columns;
    }

    private static ParsedRecord ParseCsvRow(CsvRow row, int columnCount, int[] columns, DatasetSchema schema, RecordJsonWriter json)
    {
        if (row.Error is not null)
        {
            return ParsedRecord.Invalid(row.Line, [RecordJsonWriter.LineError(row.Line, row.Error)]);
        }
        if (row.Fields.Count != columnCount)
        {
            return ParsedRecord.Invalid(row.Line, [RecordJsonWriter.LineError(row.Line,
                $"the header has {columnCount} columns but this row has {row.Fields.Count} values")]);
        }
        var values = NewRow(schema);
        var errors = new List<string>();
        for (var i = 0; i < schema.Fields.Count; i++)
        {
            var text = columns[i] < 0 ? "" : row.Fields[columns[i]];
            values[i] = FromText(row.Line, schema.Fields[i], text, errors);
        }
        return json.Build(row.Line, values, errors);
    }
}
