using System.Text;

namespace Marketplace.Application;

/// <summary>
/// Rows of the CSV files people download from the consoles (the numbers behind a chart): RFC 4180 quoting, CRLF
/// line ends. A text cell holding what someone else wrote (a dataset's title) goes through <see cref="Text"/>, so a
/// spreadsheet never runs it as a formula.
/// </summary>
public static class CsvRows
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static void Append(StringBuilder csv, params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(cells);
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }
            var cell = cells[i];
            if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                csv.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                csv.Append(cell);
            }
        }
        csv.Append("\r\n");
    }

    /// <summary>
    /// A text cell as a spreadsheet will read it: a cell starting with = + - @, a tab or a carriage return would be
    /// read as a formula, so it gets a leading apostrophe (the OWASP advice against CSV injection).
    /// </summary>
    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
    }
}
