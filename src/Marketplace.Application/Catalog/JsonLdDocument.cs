using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Marketplace.Application.Catalog;

/// <summary>
/// An <see cref="RdfGraph"/> as JSON-LD 1.1: an inline @context of the graph's prefixes (never a remote one, so an
/// offline reader expands it) and a flat @graph with one node object per subject. Predicates and types are
/// prefixed names, object IRIs are {"@id": …} in full, literals are strings or value objects.
/// </summary>
public static class JsonLdDocument
{
    public const string MediaType = "application/ld+json";

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(RdfGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteStartObject("@context");
            foreach (var (prefix, space) in graph.Prefixes)
            {
                json.WriteString(prefix, space);
            }
            json.WriteEndObject();
            json.WriteStartArray("@graph");
            foreach (var subject in graph.Subjects())
            {
                WriteNode(json, graph, subject.Key, [.. subject]);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter json, RdfGraph graph, RdfIri subject, IReadOnlyList<RdfTriple> triples)
    {
        json.WriteStartObject();
        json.WriteString("@id", subject.Value);
        var types = triples.Where(t => t.Predicate.Value == RdfGraph.RdfType).Select(t => Name(graph, ((RdfIri)t.Object).Value)).ToList();
        if (types.Count == 1)
        {
            json.WriteString("@type", types[0]);
        }
        else if (types.Count > 1)
        {
            json.WriteStartArray("@type");
            types.ForEach(json.WriteStringValue);
            json.WriteEndArray();
        }
        foreach (var property in triples.Where(t => t.Predicate.Value != RdfGraph.RdfType).GroupBy(t => t.Predicate.Value))
        {
            var values = property.Select(t => t.Object).ToList();
            json.WritePropertyName(Name(graph, property.Key));
            if (values.Count > 1)
            {
                json.WriteStartArray();
            }
            foreach (var value in values)
            {
                WriteValue(json, graph, value);
            }
            if (values.Count > 1)
            {
                json.WriteEndArray();
            }
        }
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, RdfGraph graph, RdfTerm term)
    {
        switch (term)
        {
            case RdfIri iri:
                json.WriteStartObject();
                json.WriteString("@id", iri.Value);
                json.WriteEndObject();
                break;
            case RdfLiteral { Language: null, Datatype: null } plain:
                json.WriteStringValue(plain.Value);
                break;
            case RdfLiteral literal:
                json.WriteStartObject();
                json.WriteString("@value", literal.Value);
                if (literal.Language is { } language)
                {
                    json.WriteString("@language", language);
                }
                else
                {
                    json.WriteString("@type", Name(graph, literal.Datatype!));
                }
                json.WriteEndObject();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(term));
        }
    }

    private static string Name(RdfGraph graph, string iri) => graph.Compact(iri) ?? iri;
}
