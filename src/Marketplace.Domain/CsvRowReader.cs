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
        var row = new RowText();
        var inQuotes = false;
        var fieldStarted = false;
        var afterClosingQuote = false;
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
                    row.Fail("a quoted field is not closed before the end of the input");
                }
                return row.End(startLine);
            }
            var c = (char)next;
            if (inQuotes)
            {
                if (c == Quote && Peek() == Quote)
                {
                    Read();
                    row.Append(Quote);
                }
                else if (c == Quote)
                {
                    inQuotes = false;
                    afterClosingQuote = true;
                }
                else
                {
                    row.Append(c);
                    if (IsLineBreak(c))
                    {
                        ConsumeLineBreak(c, row);
                    }
                }
                continue;
            }
            if (c == ',')
            {
                row.EndField();
                fieldStarted = afterClosingQuote = false;
                continue;
            }
            if (IsLineBreak(c))
            {
                ConsumeLineBreak(c, row: null);
                return row.End(startLine);
            }
            if (c == Quote && !fieldStarted)
            {
                inQuotes = row.AnyQuote = fieldStarted = true;
                continue;
            }
            if (c == Quote)
            {
                row.Fail($"field {row.FieldNumber} has a quote in an unquoted value; put the value in quotes and double the quote (\"\")");
            }
            else if (afterClosingQuote)
            {
                row.Fail($"field {row.FieldNumber} has text after its closing quote");
            }
            row.Append(c);
            fieldStarted = true;
        }
    }

    private static bool IsLineBreak(char c) => c is '\r' or '\n';

    private void ConsumeLineBreak(char c, RowText? row)
    {
        if (c == '\r' && Peek() == '\n')
        {
            Read();
            row?.Append('\n');
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

    /// <summary>
    /// The text of the row being read, within bounds: past <see cref="RecordParser.MaxRecordChars"/> characters or
    /// <see cref="RecordParser.MaxValuesPerRecord"/> values the row is refused and the rest of it is read past
    /// without being kept, so one endless line cannot fill memory.
    /// </summary>
    private sealed class RowText
    {
        private readonly List<string> fields = [];
        private readonly StringBuilder field = new();
        private long chars;
        private bool dropped;
        private string? error;

        public bool AnyQuote { get; set; }

        public int FieldNumber => fields.Count + 1;

        public void Append(char c)
        {
            if (Counted())
            {
                field.Append(c);
            }
        }

        public void EndField()
        {
            if (Counted())
            {
                AddField();
            }
        }

        /// <summary>Records the row's first syntax problem; the row is still read to its end.</summary>
        public void Fail(string problem) => error ??= problem;

        public (CsvRow Row, bool Blank) End(long startLine)
        {
            if (!dropped)
            {
                AddField();
            }
            return (new CsvRow(startLine, fields, error), fields is [""] && !AnyQuote && error is null);
        }

        private void AddField()
        {
            if (fields.Count == RecordParser.MaxValuesPerRecord)
            {
                Drop($"the row has more than {RecordParser.MaxValuesPerRecord} values; a dataset has at most {RecordParser.MaxValuesPerRecord} fields");
                return;
            }
            fields.Add(field.ToString());
            field.Clear();
        }

        private bool Counted()
        {
            if (dropped)
            {
                return false;
            }
            if (++chars > RecordParser.MaxRecordChars)
            {
                Drop($"the record is longer than {RecordParser.MaxRecordChars / (1 << 20)} MiB of text; shorten or leave out its longest values");
                return false;
            }
            return true;
        }

        private void Drop(string problem)
        {
            dropped = true;
            error = problem;
            fields.Clear();
            field.Clear();
        }
    }
}
