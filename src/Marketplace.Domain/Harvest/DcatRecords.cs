namespace Marketplace.Domain.Harvest;

/// <summary>
/// The datasets of a DCAT-AP catalog read as <see cref="SourceRecord"/>s: every subject typed dcat:Dataset (and
/// listed by the catalog, when the document has a dcat:Catalog), with its identifier, title, description, keywords,
/// themes, licence (the dataset's, or its first distribution's), publisher's name, landing page and distributions'
/// download or access URLs. Of several language versions of a text, Japanese is taken first, then English, then
/// one without a tag. Nothing is checked here: <see cref="HarvestMapping"/> does that.
/// </summary>
public static class DcatRecords
{
    private const string Dcat = "http://www.w3.org/ns/dcat#";
    private const string Dct = "http://purl.org/dc/terms/";
    private const string Foaf = "http://xmlns.com/foaf/0.1/";

    public static IReadOnlyList<SourceRecord> From(IReadOnlyList<RdfTriple> triples)
    {
        ArgumentNullException.ThrowIfNull(triples);
        var bySubject = triples.GroupBy(t => t.Subject).ToDictionary(g => g.Key, g => g.ToList());
        var datasets = triples
            .Where(t => t.Predicate == TurtleReader.RdfType && t.Object == RdfTerm.Iri(Dcat + "Dataset"))
            .Select(t => t.Subject)
            .Distinct()
            .ToList();
        var listed = triples.Where(t => t.Predicate == Dcat + "dataset").Select(t => t.Object).ToHashSet();
        if (listed.Count > 0)
        {
            // A catalog lists its datasets; other typed nodes (a dct:source, say) are described, not offered.
            datasets = [.. datasets.Where(listed.Contains)];
        }
        return [.. datasets.Select(d => Record(d, bySubject))];
    }

    private static SourceRecord Record(RdfTerm dataset, Dictionary<RdfTerm, List<RdfTriple>> bySubject)
    {
        var about = bySubject.GetValueOrDefault(dataset) ?? [];
        var distributions = Objects(about, Dcat + "distribution").Select(d => bySubject.GetValueOrDefault(d) ?? []).ToList();
        var licence = Objects(about, Dct + "license").Concat(distributions.SelectMany(d => Objects(d, Dct + "license"))).FirstOrDefault();
        var publisher = Objects(about, Dct + "publisher").FirstOrDefault();
        var publisherName = publisher is null ? null : Text(bySubject.GetValueOrDefault(publisher) ?? [], Foaf + "name");
        var landing = Objects(about, Dcat + "landingPage").FirstOrDefault(o => o.Kind == RdfTermKind.Iri)?.Value
            ?? (dataset.Kind == RdfTermKind.Iri ? dataset.Value : null);
        return new SourceRecord(
            Id: Text(about, Dct + "identifier") ?? (dataset.Kind == RdfTermKind.Iri ? dataset.Value : null),
            Title: Text(about, Dct + "title"),
            Description: Text(about, Dct + "description"),
            Keywords: [.. Objects(about, Dcat + "keyword").Where(o => o.Kind == RdfTermKind.Literal).Select(o => o.Value)],
            Themes: [.. Objects(about, Dcat + "theme").Select(o => o.Value)],
            Licence: licence?.Value,
            Publisher: publisherName,
            LandingPage: landing,
            Resources: [.. distributions.Select(Resource)],
            OpenData: Objects(about, Dct + "accessRights").All(r => r.Value == PublicAccess));
    }

    /// <summary>The EU access-right authority's PUBLIC: any other dct:accessRights (restricted, non-public) is not open data.</summary>
    public const string PublicAccess = "http://publications.europa.eu/resource/authority/access-right/PUBLIC";

    private static SourceResource Resource(List<RdfTriple> distribution)
    {
        var url = Objects(distribution, Dcat + "downloadURL").Concat(Objects(distribution, Dcat + "accessURL")).FirstOrDefault();
        var format = Objects(distribution, Dct + "format").Concat(Objects(distribution, Dcat + "mediaType")).FirstOrDefault();
        return new SourceResource(Text(distribution, Dct + "title"), url?.Value, format is null ? null : LastSegment(format.Value));
    }

    private static string LastSegment(string value)
    {
        var cut = value.TrimEnd('/').LastIndexOfAny(['/', '#']);
        return cut < 0 ? value : value[(cut + 1)..];
    }

    private static IEnumerable<RdfTerm> Objects(List<RdfTriple> about, string predicate) =>
        about.Where(t => t.Predicate == predicate).Select(t => t.Object);

    private static string? Text(List<RdfTriple> about, string predicate)
    {
        var literals = Objects(about, predicate).Where(o => o.Kind == RdfTermKind.Literal).ToList();
        return (literals.FirstOrDefault(l => l.Language == "ja")
            ?? literals.FirstOrDefault(l => l.Language == "en")
            ?? literals.FirstOrDefault(l => l.Language is null)
            ?? literals.FirstOrDefault())?.Value;
    }
}
