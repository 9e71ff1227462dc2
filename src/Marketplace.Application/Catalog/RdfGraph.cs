using System.Globalization;
using System.Text;

namespace Marketplace.Application.Catalog;

/// <summary>An RDF term: an IRI or a literal. The catalog names every node with an IRI, so there are no blank nodes.</summary>
public abstract record RdfTerm;

/// <summary>
/// An IRI, kept in the form both writers emit: the characters Turtle forbids in an IRI reference are
/// percent-encoded once, here, so the Turtle and the JSON-LD name the same node.
/// </summary>
public sealed record RdfIri : RdfTerm
{
    public RdfIri(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c <= ' ' || c is '<' or '>' or '"' or '{' or '}' or '|' or '^' or '`' or '\\')
            {
                text.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }
        Value = text.ToString();
    }

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>A literal: a plain string, a language-tagged string, or a typed value (<see cref="Datatype"/> an IRI).</summary>
public sealed record RdfLiteral(string Value, string? Language = null, string? Datatype = null) : RdfTerm;

public sealed record RdfTriple(RdfIri Subject, RdfIri Predicate, RdfTerm Object);

/// <summary>
/// A small RDF graph: its triples in the order they were stated and the prefixes its documents use. The
/// catalog is built once as a graph; <see cref="TurtleDocument"/> and <see cref="JsonLdDocument"/> write the
/// same graph, so no mapping rule lives in a serializer.
/// </summary>
public sealed class RdfGraph
{
    public const string RdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

    private readonly List<RdfTriple> triples = [];
    private readonly HashSet<RdfTriple> stated = [];

    public RdfGraph(IReadOnlyList<KeyValuePair<string, string>> prefixes)
    {
        Prefixes = prefixes;
    }

    /// <summary>Prefix → namespace IRI, in the order documents declare them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Prefixes { get; }

    public IReadOnlyList<RdfTriple> Triples => triples;

    /// <summary>States a triple; stating one twice (a theme shared by two datasets) keeps one.</summary>
    public RdfGraph Add(RdfIri subject, string predicate, RdfTerm value)
    {
        var triple = new RdfTriple(subject, new RdfIri(predicate), value);
        if (stated.Add(triple))
        {
            triples.Add(triple);
        }
        return this;
    }

    public RdfGraph Type(RdfIri subject, string type) => Add(subject, RdfType, new RdfIri(type));

    /// <summary>The subjects in the order first stated, each with its triples in order.</summary>
    public IEnumerable<IGrouping<RdfIri, RdfTriple>> Subjects() => triples.GroupBy(t => t.Subject);

    /// <summary>The prefixed name of <paramref name="iri"/> (dcat:Dataset), or null when no prefix covers it with a plain local name.</summary>
    public string? Compact(string iri)
    {
        foreach (var (prefix, space) in Prefixes)
        {
            if (iri.Length > space.Length && iri.StartsWith(space, StringComparison.Ordinal) && IsLocalName(iri.AsSpan(space.Length)))
            {
                return $"{prefix}:{iri[space.Length..]}";
            }
        }
        return null;
    }

    private static bool IsLocalName(ReadOnlySpan<char> name)
    {
        if (!char.IsAsciiLetter(name[0]))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                return false;
            }
        }
        return true;
    }
}
