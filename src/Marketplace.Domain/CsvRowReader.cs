using System.Buffers;
using System.Text;

namespace Marketplace.Domain;

/// <summary>One CSV row as text, the physical line it starts on, and the first syntax error in it, if any.</summary>
internal sealed record CsvRow(long Line, IReadOnlyList<string> Fields, string? Error);

/// <summary>
/// Splits RFC 4180 text into rows, one at a time: quoted fields may hold commas, doubled quotes and line breaks;
/// rows end with CRLF, LF or CR; a leading UTF-8 byte order mark and blank lines are skipped.
/// </summary>
/// <remarks>
/// Runs of ordinary characters are found with a vectorized search and copied whole, so the cost per row is a few
/// searches and one string per field, not a call per character (issue 13, P8).
/// </remarks>
internal sealed class CsvRowReader(TextReader reader)
{
    private const char Quote = '"';
    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\r\n\"");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\r\n\"");
    private readonly char[] buffer = new char[1 << 14];
    private readonly RowText row = new();
    private int position;
    private int length;
    private long line = 1;
    private bool started;

    public CsvRow? ReadRow()
    {
        // A blank line is one unquoted empty field: spacing, not a record.
        var (result, blank) = ReadPhysicalRow();
        while (blank)
        {
            (result, blank) = ReadPhysicalRow();
        }
        return result;
    }

    private (CsvRow? Row, bool Blank) ReadPhysicalRow()
    {
        SkipByteOrderMark();
        var startLine = line;
        row.Start();
        var inQuotes = false;
        var fieldStarted = false;
        var afterClosingQuote = false;
        if (!Fill())
        {
            return (null, false);
        }
        while (true)
        {
            if (!Fill())
            {
                if (inQuotes)
                {
                    row.Fail("a quoted field is not closed before the end of the input");
                }
                return row.End(startLine);
            }
            var rest = buffer.AsSpan(position, length - position);
            if (inQuotes)
            {
                // Everything up to the next quote or line break belongs to the field as written.
                var stop = rest.IndexOfAny(QuotedStops);
                if (stop != 0)
                {
                    var run = stop < 0 ? rest : rest[..stop];
                    row.Append(run);
                    position += run.Length;
                    continue;
                }
                var c = buffer[position++];
                if (c == Quote && Fill() && buffer[position] == Quote)
                {
                    position++;
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
                    ConsumeLineBreak(c, row);
                }
                continue;
            }
            var next = rest.IndexOfAny(UnquotedStops);
            if (next != 0)
            {
                var run = next < 0 ? rest : rest[..next];
                if (afterClosingQuote)
                {
                    row.Fail($"field {row.FieldNumber} has text after its closing quote");
                }
                row.Append(run);
                position += run.Length;
                fieldStarted = true;
                continue;
            }
            var d = buffer[position++];
            if (d == ',')
            {
                row.EndField();
                fieldStarted = afterClosingQuote = false;
                continue;
            }
            if (d is '\r' or '\n')
            {
                ConsumeLineBreak(d, text: null);
                return row.End(startLine);
            }
            // A quote: it opens a quoted field at the field's start, and is an error anywhere else.
            if (!fieldStarted)
            {
                inQuotes = row.AnyQuote = fieldStarted = true;
                continue;
            }
            row.Fail($"field {row.FieldNumber} has a quote in an unquoted value; put the value in quotes and double the quote (\"\")");
            row.Append(d);
        }
    }

    private void ConsumeLineBreak(char c, RowText? text)
    {
        if (c == '\r' && Fill() && buffer[position] == '\n')
        {
            position++;
            text?.Append('\n');
        }
        line++;
    }

    private void SkipByteOrderMark()
    {
        if (!started)
        {
            started = true;
            if (Fill() && buffer[position] == '\uFEFF')
            {
                position++;
            }
        }
    }

    /// <summary>Whether a character is left to read, reading more input when the buffer is used up.</summary>
    private bool Fill()
    {
        if (position < length)
        {
            return true;
        }
        length = reader.Read(buffer, 0, buffer.Length);
        position = 0;
        if (length <= 0)
        {
            length = 0;
            return false;
        }
        return true;
    }

    /// <summary>
    /// The text of the row being read, within bounds: past <see cref="RecordParser.MaxRecordChars"/> characters or
    /// <see cref="RecordParser.MaxValuesPerRecord"/> values the row is refused and the rest of it is read past
    /// without being kept, so one endless line cannot fill memory.
    /// </summary>
    private sealed class RowText
    {
        private readonly StringBuilder field = new();
        private List<string> fields = [];
        private long chars;
        private bool dropped;
        private string? error;

        public bool AnyQuote { get; set; }

        public int FieldNumber => fields.Count + 1;

        public void Start()
        {
            fields = [];
            field.Clear();
            chars = 0;
            dropped = false;
            error = null;
            AnyQuote = false;
        }

        public void Append(char c)
        {
            if (Counted(1))
            {
                field.Append(c);
            }
        }

        public void Append(ReadOnlySpan<char> run)
        {
            if (Counted(run.Length))
            {
                field.Append(run);
            }
        }

        public void EndField()
        {
            if (Counted(1))
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

        private bool Counted(int count)
        {
            if (dropped)
            {
                return false;
            }
            chars += count;
            if (chars > RecordParser.MaxRecordChars)
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
