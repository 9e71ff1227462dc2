using System.Text.Json;

namespace Marketplace.Domain.NgsiLd;

/// <summary>
/// The terms of the NGSI-LD core @context (the host ships a local copy): recognises a member name or type written
/// as a core term (<c>observedAt</c>), a compact IRI (<c>ngsi-ld:observedAt</c>), an expanded IRI
/// (<c>https://uri.etsi.org/ngsi-ld/observedAt</c>) or a JSON-LD keyword the core context aliases (<c>@id</c>,
/// <c>@type</c>), and answers the core term. A name the default vocabulary expanded
/// (<c>https://uri.etsi.org/ngsi-ld/default-context/NO2</c>) answers its short name. Anything else is left as
/// written: user-context terms are matched as the provider wrote them in the feed's mapping.
/// </summary>
public sealed class NgsiLdTerms
{
    private readonly Dictionary<string, string> toTerm = new(StringComparer.Ordinal);
    private readonly string? vocabulary;

    private NgsiLdTerms(string? vocabulary) => this.vocabulary = vocabulary;

    /// <summary>How many terms the context defines (keywords and prefixes excluded).</summary>
    public int Count { get; private set; }

    /// <summary>Reads a JSON-LD context document of the core context's form: { "@context": { term: IRI or { "@id": IRI } } }.</summary>
    public static NgsiLdTerms Parse(string contextJson)
    {
        using var document = JsonDocument.Parse(contextJson);
        if (!document.RootElement.TryGetProperty("@context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The NGSI-LD core context has no @context object.");
        }
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        var definitions = new List<(string Term, string Iri)>();
        string? vocabulary = null;
        foreach (var entry in context.EnumerateObject())
        {
            var iri = entry.Value.ValueKind switch
            {
                JsonValueKind.String => entry.Value.GetString(),
                JsonValueKind.Object when entry.Value.TryGetProperty("@id", out var id) && id.ValueKind == JsonValueKind.String => id.GetString(),
                _ => null,
            };
            if (iri is null)
            {
                continue;
            }
            if (entry.Name == "@vocab")
            {
                vocabulary = iri;
            }
            else if (!entry.Name.StartsWith('@'))
            {
                if (iri.EndsWith('/') || iri.EndsWith('#'))
                {
                    prefixes[entry.Name] = iri;
                }
                definitions.Add((entry.Name, iri));
            }
        }
        var terms = new NgsiLdTerms(vocabulary);
        foreach (var (term, iri) in definitions.Where(d => !prefixes.ContainsKey(d.Term)))
        {
            terms.toTerm[term] = term;
            terms.toTerm.TryAdd(iri, term);
            var colon = iri.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && prefixes.TryGetValue(iri[..colon], out var ns))
            {
                terms.toTerm.TryAdd(ns + iri[(colon + 1)..], term);
            }
            terms.Count++;
        }
        return terms;
    }

    /// <summary>The core term <paramref name="name"/> stands for, or the short name of a default-vocabulary IRI, or the name as written.</summary>
    public string Compact(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (toTerm.TryGetValue(name, out var term))
        {
            return term;
        }
        return vocabulary is not null && name.Length > vocabulary.Length && name.StartsWith(vocabulary, StringComparison.Ordinal)
            ? name[vocabulary.Length..]
            : name;
    }

    /// <summary>Whether <paramref name="name"/> is a term the core context defines (after <see cref="Compact"/>).</summary>
    public bool IsCoreTerm(string name) => toTerm.ContainsKey(name) && toTerm[name] == name;
}
