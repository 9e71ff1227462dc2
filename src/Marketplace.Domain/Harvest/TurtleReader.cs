using System.Globalization;
using System.Text;

namespace Marketplace.Domain.Harvest;

public enum RdfTermKind
{
    Iri,
    Blank,
    Literal,
}

/// <summary>An RDF term: an IRI, a blank node (its label) or a literal (its lexical form, language tag or datatype IRI).</summary>
public sealed record RdfTerm(RdfTermKind Kind, string Value, string? Language = null, string? Datatype = null)
{
    public static RdfTerm Iri(string value) => new(RdfTermKind.Iri, value);

    public static RdfTerm Blank(string label) => new(RdfTermKind.Blank, label);

    public static RdfTerm Literal(string value, string? language = null, string? datatype = null) => new(RdfTermKind.Literal, value, language, datatype);
}

public sealed record RdfTriple(RdfTerm Subject, string Predicate, RdfTerm Object);

/// <summary>
/// Reads the part of Turtle 1.1 (https://www.w3.org/TR/turtle/) that DCAT-AP catalogs are written in: @prefix/PREFIX
/// and @base/BASE, IRIs (relative ones resolved against the base), prefixed names, <c>a</c>, blank nodes as
/// <c>_:label</c> and as <c>[ … ]</c> property lists, string literals in all four quotings with their escapes,
/// language tags and datatypes, numbers and booleans, and <c>;</c>/<c>,</c> lists. Collections <c>( … )</c> are
/// refused. Anything it cannot read throws a <see cref="FormatException"/> naming the line: a source is remote and
/// may be hostile, so nothing here trusts its input, and the nesting of <c>[ … ]</c> and the triples read are bounded.
/// </summary>
public sealed class TurtleReader
{
    public const string RdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    private const string Xsd = "http://www.w3.org/2001/XMLSchema#";
    public const int MaxDepth = 32;

    private readonly string _text;
    private readonly int _maxTriples;
    private readonly Dictionary<string, string> _prefixes = new(StringComparer.Ordinal);
    private readonly List<RdfTriple> _triples = [];
    private Uri? _base;
    private int _position;
    private int _blankCount;
    private int _depth;

    private TurtleReader(string text, Uri? baseIri, int maxTriples)
    {
        _text = text;
        _base = baseIri;
        _maxTriples = maxTriples;
    }

    /// <summary>The triples of <paramref name="text"/>; relative IRIs resolve against <paramref name="baseIri"/> until an @base says otherwise.</summary>
    public static IReadOnlyList<RdfTriple> Read(string text, Uri? baseIri = null, int maxTriples = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new TurtleReader(text, baseIri, maxTriples);
        reader.ReadDocument();
        return reader._triples;
    }

    private void ReadDocument()
    {
        while (true)
        {
            SkipSpace();
            if (_position >= _text.Length)
            {
                return;
            }
            if (Peek() == '@')
            {
                ReadAtDirective();
            }
            else if (StartsWithWord("PREFIX"))
            {
                _position += 6;
                ReadPrefix();
            }
            else if (StartsWithWord("BASE"))
            {
                _position += 4;
                SkipSpace();
                _base = new Uri(ReadIriRef(), UriKind.Absolute);
            }
            else
            {
                ReadTriples();
                Expect('.');
            }
        }
    }

    private void ReadAtDirective()
    {
        _position++;
        var word = ReadWhile(char.IsAsciiLetter);
        if (word == "prefix")
        {
            ReadPrefix();
        }
        else if (word == "base")
        {
            SkipSpace();
            _base = new Uri(ReadIriRef(), UriKind.Absolute);
        }
        else
        {
            throw Error($"unknown directive '@{word}'");
        }
        Expect('.');
    }

    private void ReadPrefix()
    {
        SkipSpace();
        var name = ReadWhile(c => c != ':' && !char.IsWhiteSpace(c));
        Expect(':');
        SkipSpace();
        _prefixes[name] = ReadIriRef();
    }

    private bool StartsWithWord(string word) =>
        string.CompareOrdinal(_text, _position, word, 0, word.Length) == 0
        && _position + word.Length < _text.Length
        && char.IsWhiteSpace(_text[_position + word.Length]);

    private void ReadTriples()
    {
        SkipSpace();
        RdfTerm subject;
        if (Peek() == '[')
        {
            subject = ReadBlankPropertyList();
            SkipSpace();
            if (Peek() == '.')
            {
                return;
            }
        }
        else
        {
            subject = ReadSubject();
        }
        ReadPredicateObjectList(subject);
    }

    private RdfTerm ReadSubject() => Peek() switch
    {
        '<' => RdfTerm.Iri(ReadIriRef()),
        '_' => ReadBlankLabel(),
        '(' => throw Error("collections ( … ) are not read"),
        _ => RdfTerm.Iri(ReadPrefixedName()),
    };

    private void ReadPredicateObjectList(RdfTerm subject)
    {
        while (true)
        {
            SkipSpace();
            var predicate = ReadPredicate();
            while (true)
            {
                SkipSpace();
                Add(new RdfTriple(subject, predicate, ReadObject()));
                SkipSpace();
                if (Peek() != ',')
                {
                    break;
                }
                _position++;
            }
            if (Peek() != ';')
            {
                return;
            }
            // One or more ';', possibly ending the list (a trailing ';' is allowed).
            while (Peek() == ';')
            {
                _position++;
                SkipSpace();
            }
            if (Peek() is '.' or ']' or '\0')
            {
                return;
            }
        }
    }

    private string ReadPredicate()
    {
        if (Peek() == 'a' && _position + 1 < _text.Length && (char.IsWhiteSpace(_text[_position + 1]) || _text[_position + 1] is '<' or '[' or '"'))
        {
            _position++;
            return RdfType;
        }
        return Peek() == '<' ? ReadIriRef() : ReadPrefixedName();
    }

    private RdfTerm ReadObject()
    {
        var c = Peek();
        return c switch
        {
            '<' => RdfTerm.Iri(ReadIriRef()),
            '_' => ReadBlankLabel(),
            '[' => ReadBlankPropertyList(),
            '"' or '\'' => ReadLiteral(),
            '(' => throw Error("collections ( … ) are not read"),
            _ when char.IsAsciiDigit(c) || c is '+' or '-' || (c == '.' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1])) => ReadNumber(),
            _ when StartsWithKeyword("true") => Keyword("true"),
            _ when StartsWithKeyword("false") => Keyword("false"),
            _ => RdfTerm.Iri(ReadPrefixedName()),
        };
    }

    private bool StartsWithKeyword(string word) =>
        string.CompareOrdinal(_text, _position, word, 0, word.Length) == 0
        && (_position + word.Length >= _text.Length || !IsNameChar(_text[_position + word.Length]) || _text[_position + word.Length] == '.');

    private RdfTerm Keyword(string word)
    {
        _position += word.Length;
        return RdfTerm.Literal(word, datatype: Xsd + "boolean");
    }

    private RdfTerm ReadBlankPropertyList()
    {
        Expect('[');
        if (++_depth > MaxDepth)
        {
            throw Error($"blank nodes nest more than {MaxDepth} deep");
        }
        var node = RdfTerm.Blank(string.Create(CultureInfo.InvariantCulture, $"b{++_blankCount}"));
        SkipSpace();
        if (Peek() != ']')
        {
            ReadPredicateObjectList(node);
        }
        Expect(']');
        _depth--;
        return node;
    }

    private RdfTerm ReadBlankLabel()
    {
        if (!(Peek() == '_' && _position + 1 < _text.Length && _text[_position + 1] == ':'))
        {
            throw Error("expected a blank node label '_:…'");
        }
        _position += 2;
        var label = ReadName();
        if (label.Length == 0)
        {
            throw Error("a blank node label is empty");
        }
        return RdfTerm.Blank("l-" + label);
    }

    private RdfTerm ReadLiteral()
    {
        var value = ReadString();
        if (Peek() == '@')
        {
            _position++;
            var language = ReadWhile(c => char.IsAsciiLetterOrDigit(c) || c == '-');
            if (language.Length == 0 || !char.IsAsciiLetter(language[0]))
            {
                throw Error("a language tag is empty or malformed");
            }
            return RdfTerm.Literal(value, language: language.ToLowerInvariant());
        }
        if (Peek() == '^' && _position + 1 < _text.Length && _text[_position + 1] == '^')
        {
            _position += 2;
            var datatype = Peek() == '<' ? ReadIriRef() : ReadPrefixedName();
            return RdfTerm.Literal(value, datatype: datatype);
        }
        return RdfTerm.Literal(value);
    }

    private string ReadString()
    {
        var quote = Peek();
        var isLong = _position + 2 < _text.Length && _text[_position + 1] == quote && _text[_position + 2] == quote;
        _position += isLong ? 3 : 1;
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("a string literal is not closed");
            }
            var c = _text[_position];
            if (isLong && c == quote && _position + 2 < _text.Length && _text[_position + 1] == quote && _text[_position + 2] == quote)
            {
                // """a"""" ends with the last three quotes: a quote right before them belongs to the string.
                if (_position + 3 < _text.Length && _text[_position + 3] == quote)
                {
                    value.Append(c);
                    _position++;
                    continue;
                }
                _position += 3;
                return value.ToString();
            }
            if (!isLong && c == quote)
            {
                _position++;
                return value.ToString();
            }
            if (!isLong && c is '\n' or '\r')
            {
                throw Error("a line break inside a short string literal");
            }
            if (c == '\\')
            {
                value.Append(ReadEscape(allowCharacterEscapes: true));
                continue;
            }
            value.Append(c);
            _position++;
        }
    }

    private string ReadEscape(bool allowCharacterEscapes)
    {
        _position++;
        if (_position >= _text.Length)
        {
            throw Error("an escape at the end of the input");
        }
        var c = _text[_position++];
        switch (c)
        {
            case 'u':
                return Code(4);
            case 'U':
                return Code(8);
        }
        if (!allowCharacterEscapes)
        {
            throw Error($"the escape '\\{c}' is not allowed here");
        }
        return c switch
        {
            't' => "\t",
            'b' => "\b",
            'n' => "\n",
            'r' => "\r",
            'f' => "\f",
            '"' => "\"",
            '\'' => "'",
            '\\' => "\\",
            _ => throw Error($"unknown escape '\\{c}'"),
        };

        string Code(int digits)
        {
            if (_position + digits > _text.Length
                || !int.TryParse(_text.AsSpan(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
            {
                throw Error("a malformed \\u or \\U escape");
            }
            _position += digits;
            return char.ConvertFromUtf32(code);
        }
    }

    private RdfTerm ReadNumber()
    {
        var start = _position;
        if (Peek() is '+' or '-')
        {
            _position++;
        }
        ReadWhile(char.IsAsciiDigit);
        var datatype = "integer";
        if (Peek() == '.' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1]))
        {
            _position++;
            ReadWhile(char.IsAsciiDigit);
            datatype = "decimal";
        }
        if (Peek() is 'e' or 'E')
        {
            _position++;
            if (Peek() is '+' or '-')
            {
                _position++;
            }
            if (ReadWhile(char.IsAsciiDigit).Length == 0)
            {
                throw Error("an exponent without digits");
            }
            datatype = "double";
        }
        var lexical = _text[start.._position];
        if (lexical is "+" or "-" or "")
        {
            throw Error("a number without digits");
        }
        return RdfTerm.Literal(lexical, datatype: Xsd + datatype);
    }

    private string ReadIriRef()
    {
        Expect('<');
        var iri = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("an IRI is not closed with '>'");
            }
            var c = _text[_position];
            if (c == '>')
            {
                _position++;
                break;
            }
            if (c <= ' ' || c is '<' or '"' or '{' or '}' or '|' or '^' or '`')
            {
                throw Error($"the character U+{(int)c:X4} is not allowed in an IRI");
            }
            if (c == '\\')
            {
                iri.Append(ReadEscape(allowCharacterEscapes: false));
                continue;
            }
            iri.Append(c);
            _position++;
        }
        return Resolve(iri.ToString());
    }

    private string Resolve(string iri)
    {
        if (Uri.TryCreate(iri, UriKind.Absolute, out _) && iri.Contains(':', StringComparison.Ordinal))
        {
            return iri;
        }
        if (_base is null)
        {
            throw Error($"the relative IRI <{iri}> has no base to resolve against");
        }
        return new Uri(_base, iri).ToString();
    }

    private string ReadPrefixedName()
    {
        var prefix = ReadWhile(c => c != ':' && IsNameChar(c));
        if (Peek() != ':')
        {
            throw Error(prefix.Length == 0 ? $"unexpected '{Peek()}'" : $"'{prefix}' is not a prefixed name (no ':')");
        }
        _position++;
        if (!_prefixes.TryGetValue(prefix, out var namespaceIri))
        {
            throw Error($"the prefix '{prefix}:' is not declared");
        }
        return namespaceIri + ReadName();
    }

    /// <summary>A local name: name characters, ':', '%xx' and '\' escapes; a final '.' ends the statement, not the name.</summary>
    private string ReadName()
    {
        var name = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '\\' && _position + 1 < _text.Length)
            {
                name.Append(_text[_position + 1]);
                _position += 2;
            }
            else if (c == '.' && _position + 1 < _text.Length && (IsNameChar(_text[_position + 1]) || _text[_position + 1] == ':'))
            {
                name.Append(c);
                _position++;
            }
            else if (IsNameChar(c) || c is ':' or '%')
            {
                name.Append(c);
                _position++;
            }
            else
            {
                break;
            }
        }
        return name.ToString();
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' || c > '\u00B7';

    private void Add(RdfTriple triple)
    {
        if (_triples.Count >= _maxTriples)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"more than {_maxTriples:N0} triples"));
        }
        _triples.Add(triple);
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private string ReadWhile(Func<char, bool> accept)
    {
        var start = _position;
        while (_position < _text.Length && accept(_text[_position]))
        {
            _position++;
        }
        return _text[start.._position];
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            throw Error(_position >= _text.Length ? $"expected '{c}' but the input ended" : $"expected '{c}' but found '{Peek()}'");
        }
        _position++;
    }

    private void SkipSpace()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (c == '#')
            {
                while (_position < _text.Length && _text[_position] is not ('\n' or '\r'))
                {
                    _position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private FormatException Error(string what)
    {
        var line = 1;
        for (var i = 0; i < _position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
            }
        }
        return new FormatException(string.Create(CultureInfo.InvariantCulture, $"Turtle line {line}: {what}."));
    }
}
