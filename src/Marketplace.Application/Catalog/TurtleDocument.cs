using System.Globalization;
using System.Text;

namespace Marketplace.Application.Catalog;

/// <summary>An <see cref="RdfGraph"/> as Turtle: one block per subject, its types first (`a`), one statement a line.</summary>
public static class TurtleDocument
{
    public const string MediaType = "text/turtle";

    public static string Write(RdfGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var turtle = new StringBuilder();
        foreach (var (prefix, space) in graph.Prefixes)
        {
            turtle.Append("@prefix ").Append(prefix).Append(": ").Append(Iri(space)).Append(" .\n");
        }
        foreach (var subject in graph.Subjects())
        {
            turtle.Append('\n').Append(Iri(subject.Key.Value));
            var types = subject.Where(t => t.Predicate.Value == RdfGraph.RdfType).Select(t => Name(graph, ((RdfIri)t.Object).Value)).ToList();
            var separator = " ";
            if (types.Count > 0)
            {
                turtle.Append(" a ").AppendJoin(", ", types);
                separator = " ;\n    ";
            }
            foreach (var triple in subject.Where(t => t.Predicate.Value != RdfGraph.RdfType))
            {
                turtle.Append(separator).Append(Name(graph, triple.Predicate.Value)).Append(' ').Append(Term(graph, triple.Object));
                separator = " ;\n    ";
            }
            turtle.Append(" .\n");
        }
        return turtle.ToString();
    }

    private static string Name(RdfGraph graph, string iri) => graph.Compact(iri) ?? Iri(iri);

    private static string Term(RdfGraph graph, RdfTerm term) => term switch
    {
        RdfIri iri => Iri(iri.Value),
        RdfLiteral { Language: { } language } literal => Literal(literal.Value, language),
        RdfLiteral { Datatype: { } datatype } literal => Literal(literal.Value) + "^^" + Name(graph, datatype),
        RdfLiteral literal => Literal(literal.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(term)),
    };

    /// <summary>An IRI reference; characters Turtle forbids in one are percent-encoded.</summary>
    public static string Iri(string iri) => $"<{new RdfIri(iri).Value}>";

    /// <summary>A Turtle string literal with its quotes, backslashes and control characters escaped, optionally language-tagged.</summary>
    public static string Literal(string value, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        text.Append('"');
        return language is null ? text.ToString() : text.Append('@').Append(language).ToString();
    }
}
