using System.Text;

namespace Marketplace.Domain;

/// <summary>
/// Reads lines ending in LF, CRLF or CR, like <see cref="TextReader.ReadLine"/>, but keeps at most
/// <c>maxChars</c> of a line: a longer line is read past without being held and reported as <see cref="TooLong"/>.
/// </summary>
internal sealed class LineReader(TextReader reader, int maxChars)
{
    private readonly char[] buffer = new char[8192];
    private readonly StringBuilder text = new();
    private int position;
    private int length;

    /// <summary>The 1-based number of the line last read.</summary>
    public long Line { get; private set; }

    /// <summary>Whether the line last read was longer than the limit (its text is then empty).</summary>
    public bool TooLong { get; private set; }

    /// <summary>The next line, or null at the end of the input.</summary>
    public string? Read()
    {
        if (!Fill())
        {
            return null;
        }
        Line++;
        TooLong = false;
        text.Clear();
        long count = 0;
        while (Fill())
        {
            var span = buffer.AsSpan(position, length - position);
            var end = span.IndexOfAny('\r', '\n');
            var chunk = end < 0 ? span : span[..end];
            count += chunk.Length;
            if (count > maxChars)
            {
                TooLong = true;
                text.Clear();
            }
            else
            {
                text.Append(chunk);
            }
            position += chunk.Length;
            if (end >= 0)
            {
                var breakChar = buffer[position++];
                if (breakChar == '\r' && Fill() && buffer[position] == '\n')
                {
                    position++;
                }
                break;
            }
        }
        return TooLong ? "" : text.ToString();
    }

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
}
