using System.Text;

namespace Marketplace.Samples.SmartCity.Tables;

/// <summary>RFC 4180 CSV with a header row of field names; lines end in LF.</summary>
internal sealed class CsvFormat : RowFormat
{
    private static readonly char[] MustQuote = [',', '"', '\r', '\n'];

    public override string MediaType => "text/csv";

    public override string FileExtension => "csv";

    protected override bool AppendHeader(StringBuilder line, IReadOnlyList<Field> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            AppendCell(line.Append(i == 0 ? "" : ","), fields[i].Name);
        }

        return true;
    }

    protected override void AppendRow(StringBuilder line, IReadOnlyList<Field> fields, IReadOnlyList<object?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            AppendCell(line.Append(i == 0 ? "" : ","), Cell.Text(cells[i]));
        }
    }

    private static void AppendCell(StringBuilder line, string text)
    {
        if (text.AsSpan().IndexOfAny(MustQuote) < 0)
        {
            line.Append(text);
            return;
        }

        line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
