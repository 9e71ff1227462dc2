using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Marketplace.Domain;

/// <summary>Turns one row's typed values into a <see cref="ParsedRecord"/>; reuses its buffer across rows.</summary>
internal sealed class RecordJsonWriter : IDisposable
{
    // Leave Japanese and other non-ASCII text readable; HTML-sensitive characters are still escaped.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly DatasetSchema schema;
    private readonly int subjectIndex;
    private readonly ArrayBufferWriter<byte> output = new();
    private readonly Utf8JsonWriter writer;

    public RecordJsonWriter(DatasetSchema schema)
    {
        this.schema = schema;
        subjectIndex = schema.SubjectField is { } subject
            ? schema.Fields.ToList().FindIndex(f => string.Equals(f.Name, subject, StringComparison.Ordinal))
            : -1;
        writer = new Utf8JsonWriter(output, Options);
    }

    /// <summary>Records <paramref name="problem"/> about a field the way every parser error reads.</summary>
    public static string FieldError(long line, SchemaField field, string problem) =>
        $"line {line}, field '{field.Name}': {problem}";

    public static string LineError(long line, string problem) => $"line {line}: {problem}";

    public ParsedRecord Build(long line, object?[] values, IReadOnlyList<string> errors)
    {
        if (errors.Count > 0)
        {
            return ParsedRecord.Invalid(line, errors);
        }
        output.ResetWrittenCount();
        writer.Reset();
        writer.WriteStartObject();
        for (var i = 0; i < schema.Fields.Count; i++)
        {
            FieldValues.Write(writer, schema.Fields[i].Name, values[i]);
        }
        writer.WriteEndObject();
        writer.Flush();
        var subject = subjectIndex >= 0 ? values[subjectIndex] as string : null;
        return new ParsedRecord(line, Encoding.UTF8.GetString(output.WrittenSpan), subject, []);
    }

    public void Dispose() => writer.Dispose();
}
