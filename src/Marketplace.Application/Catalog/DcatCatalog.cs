using System.Globalization;
using System.Text.RegularExpressions;
using Marketplace.Storage;

namespace Marketplace.Application.Catalog;

/// <summary>What a listing's dataset declares beyond the catalog index: its coverage and whom to contact.</summary>
/// <param name="PlaceName">The area covered as words (the dataset's "spatial").</param>
/// <param name="PlaceIri">The area as a gazetteer IRI (GeoNames, a Japanese administrative-area code).</param>
/// <param name="BoundingBox">The area as a WKT POLYGON in WGS 84 (longitude latitude).</param>
/// <param name="ContactEmail">The provider's contact address, when its profile has one.</param>
public sealed record DcatDetails(
    string? PlaceName = null,
    string? PlaceIri = null,
    string? BoundingBox = null,
    DateTimeOffset? TemporalStart = null,
    DateTimeOffset? TemporalEnd = null,
    string? ContactEmail = null);

/// <summary>A listing visible to everyone with its <see cref="DcatDetails"/>.</summary>
public sealed record DcatEntry(CatalogListing Listing, DcatDetails? Details = null);

/// <summary>
/// The catalog as a DCAT-AP 3 graph: one dcat:Catalog (its title, publisher, homepage and language from
/// <see cref="CatalogPublication"/>), a dcat:Dataset per listing visible to everyone, its publisher (foaf:Agent),
/// licence, EU data themes, keywords, language, contact point (vcard:Kind), spatial and temporal coverage, and a
/// distribution: the open-data download for a free public offering under an open licence, the brokered API (a
/// dcat:DataService) for any other public or private offering, and none at all for personal data. Every
/// distribution links the offering's ODRL policy. Written as Turtle or JSON-LD by <see cref="TurtleDocument"/>
/// and <see cref="JsonLdDocument"/>.
/// </summary>
public static partial class DcatCatalog
{
    public const string TurtleMediaType = TurtleDocument.MediaType;
    public const string JsonLdMediaType = JsonLdDocument.MediaType;

    private const string Dcat = "http://www.w3.org/ns/dcat#";
    private const string Dct = "http://purl.org/dc/terms/";
    private const string Foaf = "http://xmlns.com/foaf/0.1/";
    private const string Skos = "http://www.w3.org/2004/02/skos/core#";
    private const string Vcard = "http://www.w3.org/2006/vcard/ns#";
    private const string Rdfs = "http://www.w3.org/2000/01/rdf-schema#";
    private const string Xsd = "http://www.w3.org/2001/XMLSchema#";
    private const string Odrl = "http://www.w3.org/ns/odrl/2/";
    private const string Geosparql = "http://www.opengis.net/ont/geosparql#";
    private const string Adms = "http://www.w3.org/ns/adms#";
    private const string ThemeBase = "http://publications.europa.eu/resource/authority/data-theme/";
    private const string AccessRightBase = "http://publications.europa.eu/resource/authority/access-right/";
    private const string LanguageBase = "http://publications.europa.eu/resource/authority/language/";
    private const string Japanese = LanguageBase + "JPN";

    private static readonly KeyValuePair<string, string>[] Prefixes =
    [
        new("dcat", Dcat), new("dct", Dct), new("foaf", Foaf), new("skos", Skos), new("vcard", Vcard),
        new("rdfs", Rdfs), new("xsd", Xsd), new("odrl", Odrl), new("gsp", Geosparql), new("adms", Adms),
    ];

    /// <summary>The catalog of <paramref name="listings"/> as Turtle, its IRIs under <paramref name="baseUri"/> (e.g. https://market.example/).</summary>
    public static string Turtle(IEnumerable<CatalogListing> listings, Uri baseUri) =>
        TurtleDocument.Write(Graph(listings.Select(l => new DcatEntry(l)), baseUri));

    /// <summary>The catalog of <paramref name="entries"/> as one graph, its IRIs under <paramref name="baseUri"/>.</summary>
    public static RdfGraph Graph(IEnumerable<DcatEntry> entries, Uri baseUri, CatalogPublication? publication = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(baseUri);
        publication ??= new CatalogPublication();
        var root = baseUri.GetLeftPart(UriPartial.Authority);
        var graph = new RdfGraph(Prefixes);
        var items = entries.ToList();
        var catalog = new RdfIri($"{root}/catalog");
        var publisher = new RdfIri(publication.PublisherUri ?? $"{root}/#marketplace");
        var homepage = new RdfIri(publication.Homepage ?? $"{root}/");
        var language = new RdfIri(LanguageBase + publication.Language);
        graph.Type(catalog, Dcat + "Catalog")
            .Add(catalog, Dct + "title", new RdfLiteral(publication.Title, "en"))
            .Add(catalog, Dct + "description", new RdfLiteral(publication.Description, "en"))
            .Add(catalog, Dct + "publisher", publisher)
            .Add(catalog, Foaf + "homepage", homepage)
            .Add(catalog, Dct + "language", language);
        foreach (var entry in items)
        {
            graph.Add(catalog, Dcat + "dataset", DatasetIri(root, entry.Listing.OfferingId));
        }
        graph.Type(publisher, Foaf + "Agent").Add(publisher, Foaf + "name", new RdfLiteral(publication.PublisherName, "en"))
            .Type(homepage, Foaf + "Document")
            .Type(language, Dct + "LinguisticSystem")
            .Type(new RdfIri(Japanese), Dct + "LinguisticSystem");
        foreach (var entry in items)
        {
            AddDataset(graph, root, entry.Listing, entry.Details ?? new DcatDetails());
        }
        return graph;
    }

    /// <summary>The IRI of a listing's dataset, which is also where its own description is served.</summary>
    public static RdfIri DatasetIri(string root, string offeringId) => new($"{root}/catalog/datasets/{Uri.EscapeDataString(offeringId)}");

    /// <summary>Where an offering's usage policy is served as ODRL.</summary>
    public static RdfIri PolicyIri(string root, string offeringId) => new(root + Offerings.OdrlPolicy.OfferPath(offeringId));

    /// <summary>A provider as publisher (DCAT) and assigner (ODRL).</summary>
    public static string ProviderIri(string root, string providerId) => $"{root}/providers/{Uri.EscapeDataString(providerId)}";

    private static void AddDataset(RdfGraph graph, string root, CatalogListing listing, DcatDetails details)
    {
        var provider = ProviderIri(root, listing.ProviderId);
        var dataset = DatasetIri(root, listing.OfferingId);
        var publisher = new RdfIri(provider);
        var contact = new RdfIri($"{provider}#contact");
        graph.Type(dataset, Dcat + "Dataset")
            .Add(dataset, Dct + "identifier", new RdfLiteral(listing.OfferingId))
            .Add(dataset, Dct + "title", new RdfLiteral(listing.Title))
            .Add(dataset, Dct + "description", new RdfLiteral(string.IsNullOrWhiteSpace(listing.Description) ? listing.Title : listing.Description))
            .Add(dataset, Dct + "publisher", publisher)
            .Add(dataset, Dcat + "contactPoint", contact)
            .Add(dataset, Dct + "language", new RdfIri(Japanese))
            .Add(dataset, Dct + "modified", DateTime(listing.UpdatedAt));
        foreach (var keyword in listing.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)))
        {
            graph.Add(dataset, Dcat + "keyword", new RdfLiteral(keyword));
        }
        var themes = listing.Themes.Where(t => ThemeCode().IsMatch(t)).ToList();
        foreach (var theme in themes)
        {
            graph.Add(dataset, Dcat + "theme", new RdfIri(ThemeBase + theme));
        }
        AddCoverage(graph, dataset, details);
        var access = new RdfIri(AccessRightBase + AccessRight(listing));
        graph.Add(dataset, Dct + "accessRights", access).Type(access, Dct + "RightsStatement");
        var page = new RdfIri($"{root}/offerings/{Uri.EscapeDataString(listing.OfferingId)}");
        graph.Add(dataset, Dcat + "landingPage", page).Type(page, Foaf + "Document");
        var personal = listing.DatasetClass == "personal";
        var distribution = new RdfIri($"{dataset}#distribution");
        if (listing.Origin is null && !personal)
        {
            graph.Add(dataset, Dcat + "distribution", distribution);
        }
        graph.Type(publisher, Foaf + "Agent").Add(publisher, Foaf + "name", new RdfLiteral(listing.ProviderName));
        graph.Type(contact, Vcard + "Kind").Add(contact, Vcard + "fn", new RdfLiteral(listing.ProviderName));
        if (!string.IsNullOrWhiteSpace(details.ContactEmail))
        {
            graph.Add(contact, Vcard + "hasEmail", new RdfIri($"mailto:{details.ContactEmail}"));
        }
        foreach (var theme in themes)
        {
            var concept = new RdfIri(ThemeBase + theme);
            graph.Type(concept, Skos + "Concept").Add(concept, Skos + "prefLabel", new RdfLiteral(ThemeLabels.GetValueOrDefault(theme, theme), "en"));
        }
        if (listing.Origin is { } origin)
        {
            AddHarvested(graph, root, listing, dataset, origin);
        }
        else if (!personal)
        {
            AddDistribution(graph, root, listing, dataset, distribution);
        }
    }

    /// <summary>
    /// A harvested listing names where it comes from the DCAT-AP way: dct:source, the dataset at its source (a
    /// dcat:Dataset with its title and description), and adms:identifier, the source's own id for it; its
    /// distributions are the source's own links (never a copy here), each under the offering's ODRL policy.
    /// </summary>
    private static void AddHarvested(RdfGraph graph, string root, CatalogListing listing, RdfIri dataset, Marketplace.Domain.Harvest.ListingOrigin origin)
    {
        var source = new RdfIri(origin.SourceLink);
        var identifier = new RdfIri($"{dataset}#source-identifier");
        graph.Add(dataset, Dct + "source", source)
            .Add(dataset, Adms + "identifier", identifier)
            .Type(identifier, Adms + "Identifier")
            .Add(identifier, Skos + "notation", new RdfLiteral(origin.SourceDatasetId))
            // No publisher on the source's dataset: two sources may harvest the same dataset (a city's CKAN and its DCAT), and a dataset has one.
            .Type(source, Dcat + "Dataset")
            .Add(source, Dct + "title", new RdfLiteral(listing.Title))
            .Add(source, Dct + "description", new RdfLiteral(string.IsNullOrWhiteSpace(listing.Description) ? listing.Title : listing.Description));
        if (origin.Resources.Count == 0)
        {
            return;
        }
        var licence = LicenceIri(root, listing.Licence);
        var policy = PolicyIri(root, listing.OfferingId);
        graph.Type(licence, Dct + "LicenseDocument").Type(policy, Odrl + "Policy").Type(policy, Odrl + "Offer");
        for (var i = 0; i < origin.Resources.Count; i++)
        {
            var resource = origin.Resources[i];
            var distribution = new RdfIri(string.Create(CultureInfo.InvariantCulture, $"{dataset}#source-{i + 1}"));
            var url = new RdfIri(resource.Url);
            graph.Add(dataset, Dcat + "distribution", distribution)
                .Type(distribution, Dcat + "Distribution")
                .Add(distribution, Dct + "license", licence)
                .Add(distribution, Odrl + "hasPolicy", policy)
                .Add(distribution, Dct + "title", new RdfLiteral(resource.Name))
                .Add(distribution, Dcat + "accessURL", url)
                .Type(url, Rdfs + "Resource");
        }
    }

    /// <summary>
    /// The area as words and a bounding box on the dataset's own dct:Location, the gazetteer's place as a second
    /// one (never a bbox on a shared place: two datasets would give it two), the period as a dct:PeriodOfTime.
    /// </summary>
    private static void AddCoverage(RdfGraph graph, RdfIri dataset, DcatDetails details)
    {
        if (!string.IsNullOrWhiteSpace(details.PlaceName) || details.BoundingBox is not null)
        {
            var area = new RdfIri($"{dataset}#spatial");
            graph.Add(dataset, Dct + "spatial", area).Type(area, Dct + "Location");
            if (!string.IsNullOrWhiteSpace(details.PlaceName))
            {
                graph.Add(area, Skos + "prefLabel", new RdfLiteral(details.PlaceName));
            }
            if (details.BoundingBox is { } box)
            {
                graph.Add(area, Dcat + "bbox", new RdfLiteral(box, Datatype: Geosparql + "wktLiteral"));
            }
        }
        if (details.PlaceIri is { } placeIri)
        {
            var place = new RdfIri(placeIri);
            graph.Add(dataset, Dct + "spatial", place).Type(place, Dct + "Location");
        }
        if (details.TemporalStart is not null || details.TemporalEnd is not null)
        {
            var period = new RdfIri($"{dataset}#temporal");
            graph.Add(dataset, Dct + "temporal", period).Type(period, Dct + "PeriodOfTime");
            if (details.TemporalStart is { } start)
            {
                graph.Add(period, Dcat + "startDate", DateTime(start));
            }
            if (details.TemporalEnd is { } end)
            {
                graph.Add(period, Dcat + "endDate", DateTime(end));
            }
        }
    }

    private static void AddDistribution(RdfGraph graph, string root, CatalogListing listing, RdfIri dataset, RdfIri distribution)
    {
        var id = Uri.EscapeDataString(listing.OfferingId);
        var licence = LicenceIri(root, listing.Licence);
        var policy = PolicyIri(root, listing.OfferingId);
        graph.Type(licence, Dct + "LicenseDocument")
            .Type(distribution, Dcat + "Distribution")
            .Add(distribution, Dct + "license", licence)
            .Add(distribution, Odrl + "hasPolicy", policy)
            .Type(policy, Odrl + "Policy").Type(policy, Odrl + "Offer");
        var open = listing.IsFree && listing.DatasetClass == "public" && !IsProprietary(listing.Licence);
        if (open)
        {
            var csv = new RdfIri($"{root}/api/v1/offerings/{id}/download?format=csv");
            var csvType = new RdfIri("http://www.iana.org/assignments/media-types/text/csv");
            graph.Add(distribution, Dct + "title", new RdfLiteral("Open-data download (CSV)", "en"))
                .Add(distribution, Dcat + "accessURL", csv)
                .Add(distribution, Dcat + "downloadURL", csv)
                .Add(distribution, Dcat + "mediaType", csvType)
                .Type(csvType, Dct + "MediaType")
                .Type(csv, Rdfs + "Resource");
            return;
        }
        var service = new RdfIri($"{dataset}#api");
        var endpoint = new RdfIri($"{root}/api/v1");
        var offering = new RdfIri($"{root}/api/v1/offerings/{id}");
        graph.Add(distribution, Dct + "title", new RdfLiteral("Brokered API (an API key and a contract are needed)", "en"))
            .Add(distribution, Dcat + "accessURL", offering)
            .Add(distribution, Dcat + "accessService", service)
            .Type(service, Dcat + "DataService")
            .Add(service, Dct + "title", new RdfLiteral("Marketplace brokered data API", "en"))
            .Add(service, Dcat + "endpointURL", endpoint)
            .Add(service, Dct + "license", licence)
            .Add(service, Dcat + "servesDataset", dataset)
            .Type(endpoint, Rdfs + "Resource")
            .Type(offering, Rdfs + "Resource");
    }

    /// <summary>
    /// The EU access-right authority's code: PUBLIC for open data (free, public class, an open licence), NON_PUBLIC for
    /// personal data, RESTRICTED for anything reached under a contract. Harvesters take only PUBLIC.
    /// </summary>
    private static string AccessRight(CatalogListing listing) =>
        listing.DatasetClass == "personal" ? "NON_PUBLIC"
        : listing.IsFree && listing.DatasetClass == "public" && !IsProprietary(listing.Licence) ? "PUBLIC"
        : "RESTRICTED";

    private static RdfLiteral DateTime(DateTimeOffset at) =>
        new(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), Datatype: Xsd + "dateTime");

    private static bool IsProprietary(string licence) => string.Equals(licence, "proprietary", StringComparison.OrdinalIgnoreCase);

    private static RdfIri LicenceIri(string root, string licence) =>
        SpdxId().IsMatch(licence) && !IsProprietary(licence)
            ? new RdfIri($"http://spdx.org/licenses/{licence}")
            : new RdfIri($"{root}/licences/{Uri.EscapeDataString(licence)}");

    /// <summary>An IRI reference as Turtle writes it.</summary>
    public static string Iri(string iri) => TurtleDocument.Iri(iri);

    /// <summary>A Turtle string literal, optionally language-tagged.</summary>
    public static string Literal(string value, string? language = null) => TurtleDocument.Literal(value, language);

    /// <summary>The English labels of the EU data themes (the authority table's preferred labels).</summary>
    private static readonly Dictionary<string, string> ThemeLabels = new(StringComparer.Ordinal)
    {
        ["AGRI"] = "Agriculture, fisheries, forestry and food",
        ["ECON"] = "Economy and finance",
        ["EDUC"] = "Education, culture and sport",
        ["ENER"] = "Energy",
        ["ENVI"] = "Environment",
        ["GOVE"] = "Government and public sector",
        ["HEAL"] = "Health",
        ["INTR"] = "International issues",
        ["JUST"] = "Justice, legal system and public safety",
        ["OP_DATPRO"] = "Provisional data",
        ["REGI"] = "Regions and cities",
        ["SOCI"] = "Population and society",
        ["TECH"] = "Science and technology",
        ["TRAN"] = "Transport",
    };

    [GeneratedRegex("^[A-Z]{4}$")]
    private static partial Regex ThemeCode();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.+-]*$")]
    private static partial Regex SpdxId();
}
