using System.Text;

namespace Marketplace.Domain;

/// <summary>One CSV row as text, the physical line it starts on, and the first syntax error in it, if any.</summary>
internal sealed record CsvRow(long Line, IReadOnlyList<string> Fields, string? Error);

/// <summary>
/// Splits RFC 4180 text into rows, one at a time: quoted fields may hold commas, doubled quotes and line breaks;
/// rows end with CRLF, LF or CR; a leading UTF-8 byte order mark and blank lines are skipped.
/// </summary>
internal sealed class CsvRowReader(TextReader reader)
{
    private const char Quote = '"';
    private readonly char[] buffer = new char[8192];
    private int position;
    private int length;
    private long line = 1;
    private bool started;

    public CsvRow? ReadRow()
    {
        // A blank line is one unquoted empty field: spacing, not a record.
        var (row, blank) = ReadPhysicalRow();
        while (blank)
        {
            (row, blank) = ReadPhysicalRow();
        }
        return row;
    }

    private (CsvRow? Row, bool Blank) ReadPhysicalRow()
    {
        SkipByteOrderMark();
        var startLine = line;
        var fields = new List<string>();
        var field = new StringBuilder();
        string? error = null;
        var inQuotes = false;
        var fieldStarted = false;
        var afterClosingQuote = false;
        var anyQuote = false;
        if (Peek() == -1)
        {
            return (null, false);
        }
        while (true)
        {
            var next = Read();
            if (next == -1)
            {
                if (inQuotes)
                {
                    error ??= "a quoted field is not closed before the end of the input";
                }
                fields.Add(field.ToString());
                return Row(startLine, fields, error, anyQuote);
            }
            var c = (char)next;
            if (inQuotes)
            {
                if (c == Quote && Peek() == Quote)
                {
                    Read();
                    field.Append(Quote);
                }
                else if (c == Quote)
                {
                    inQuotes = false;
                    afterClosingQuote = true;
                }
                else
                {
                    field.Append(c);
                    if (IsLineBreak(c))
                    {
                        ConsumeLineBreak(c, field);
                    }
                }
                continue;
            }
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStarted = afterClosingQuote = false;
                continue;
            }
            if (IsLineBreak(c))
            {
                ConsumeLineBreak(c, field: null);
                fields.Add(field.ToString());
                return Row(startLine, fields, error, anyQuote);
            }
            if (c == Quote && !fieldStarted)
            {
                inQuotes = anyQuote = fieldStarted = true;
                continue;
            }
            error ??= c == Quote
                ? $"field {fields.Count + 1} has a quote in an unquoted value; put the value in quotes and double the quote (\"\")"
                : afterClosingQuote
                    ? $"field {fields.Count + 1} has text after its closing quote"
                    : null;
            field.Append(c);
            fieldStarted = true;
        }
    }

    private static (CsvRow, bool Blank) Row(long startLine, List<string> fields, string? error, bool anyQuote) =>
        (new CsvRow(startLine, fields, error), fields is [""] && !anyQuote && error is null);

    private static bool IsLineBreak(char c) => c is '\r' or '\n';

    private void ConsumeLineBreak(char c, StringBuilder? field)
    {
        if (c == '\r' && Peek() == '\n')
        {
            Read();
            field?.Append('\n');
        }
        line++;
    }

    private void SkipByteOrderMark()
    {
        if (!started)
        {
            started = true;
            if (Peek() == '\uFEFF')
            {
                Read();
            }
        }
    }

    private int Peek()
    {
        if (position == length)
        {
            length = reader.Read(buffer, 0, buffer.Length);
            position = 0;
            if (length <= 0)
            {
                length = 0;
                return -1;
            }
        }
        return buffer[position];
    }

    private int Read()
    {
        var c = Peek();
        if (c != -1)
        {
            position++;
        }
        return c;
    }
}
