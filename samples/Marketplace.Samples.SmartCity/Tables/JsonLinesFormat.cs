using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Marketplace.Samples.SmartCity.Tables;

/// <summary>One JSON object per line, keys in schema order, numbers and booleans unquoted.</summary>
internal sealed class JsonLinesFormat : RowFormat
{
    // The body is data, never embedded in HTML, so Japanese text can stay readable instead of \u-escaped.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public override string MediaType => "application/x-ndjson";

    public override string FileExtension => "jsonl";

    protected override bool AppendHeader(StringBuilder line, IReadOnlyList<Field> fields) => false;

    protected override void AppendRow(StringBuilder line, IReadOnlyList<Field> fields, IReadOnlyList<object?> cells)
    {
        line.Append('{');
        for (var i = 0; i < cells.Count; i++)
        {
            AppendString(line.Append(i == 0 ? "" : ","), fields[i].Name).Append(':');
            var value = cells[i];
            if (value is null)
            {
                line.Append("null");
            }
            else if (fields[i].Type is FieldType.Integer or FieldType.Number or FieldType.Boolean)
            {
                line.Append(Cell.Text(value));
            }
            else
            {
                AppendString(line, Cell.Text(value));
            }
        }

        line.Append('}');
    }

    private static StringBuilder AppendString(StringBuilder line, string text) =>
        line.Append('"').Append(JsonEncodedText.Encode(text, Encoder).Value).Append('"');
}
