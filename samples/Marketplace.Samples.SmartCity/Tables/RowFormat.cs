using System.Text;

namespace Marketplace.Samples.SmartCity.Tables;

/// <summary>A text upload format the marketplace accepts for a dataset revision.</summary>
public abstract class RowFormat
{
    public static RowFormat Csv { get; } = new CsvFormat();

    public static RowFormat JsonLines { get; } = new JsonLinesFormat();

    public abstract string MediaType { get; }

    public abstract string FileExtension { get; }

    /// <summary>Writes the rows one line at a time, so a body of any size never sits in memory whole.</summary>
    public async Task WriteAsync(TextWriter writer, Table table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(table);

        var fields = table.Fields;
        var line = new StringBuilder(256);
        if (AppendHeader(line, fields))
        {
            await writer.WriteAsync(line.Append('\n'), cancellationToken);
        }

        foreach (var row in table.Rows())
        {
            line.Clear();
            AppendRow(line, fields, row);
            await writer.WriteAsync(line.Append('\n'), cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Appends the header line, if the format has one; returns whether it did.</summary>
    protected abstract bool AppendHeader(StringBuilder line, IReadOnlyList<Field> fields);

    protected abstract void AppendRow(StringBuilder line, IReadOnlyList<Field> fields, IReadOnlyList<object?> cells);
}
