using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Marketplace.Storage;

namespace Marketplace.Application.Catalog;

/// <summary>
/// The catalog as DCAT-AP 3 in Turtle: one dcat:Catalog, a dcat:Dataset per listing visible to everyone, its
/// publisher (foaf:Agent), licence, EU data themes, keywords, language and contact point, and a distribution:
/// the open-data download for a free public offering under an open licence, the brokered API (a
/// dcat:DataService) for any other public or private offering, and none at all for personal data.
/// </summary>
public static partial class DcatCatalog
{
    public const string TurtleMediaType = "text/turtle";
    private const string ThemeBase = "http://publications.europa.eu/resource/authority/data-theme/";
    private const string Japanese = "http://publications.europa.eu/resource/authority/language/JPN";

    /// <summary>The catalog of <paramref name="listings"/>, its IRIs under <paramref name="baseUri"/> (e.g. https://market.example/).</summary>
    public static string Turtle(IEnumerable<CatalogListing> listings, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(listings);
        ArgumentNullException.ThrowIfNull(baseUri);
        var root = baseUri.GetLeftPart(UriPartial.Authority);
        var turtle = new StringBuilder();
        turtle.Append("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n")
            .Append("@prefix dct: <http://purl.org/dc/terms/> .\n")
            .Append("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n")
            .Append("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n")
            .Append("@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .\n")
            .Append("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
            .Append("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
            .Append("@prefix adms: <http://www.w3.org/ns/adms#> .\n\n");
        var catalog = Iri($"{root}/catalog");
        var marketplace = Iri($"{root}/#marketplace");
        var items = listings.ToList();
        turtle.Append(catalog).Append(" a dcat:Catalog ;\n")
            .Append("    dct:title ").Append(Literal("City data marketplace", "en")).Append(" ;\n")
            .Append("    dct:description ").Append(Literal("Datasets offered on the city data marketplace: open data, brokered APIs and personal data under consent.", "en")).Append(" ;\n")
            .Append("    dct:publisher ").Append(marketplace);
        foreach (var listing in items)
        {
            turtle.Append(" ;\n    dcat:dataset ").Append(DatasetIri(root, listing.OfferingId));
        }
        turtle.Append(" .\n\n").Append(marketplace).Append(" a foaf:Agent ;\n    foaf:name ").Append(Literal("City data marketplace", "en")).Append(" .\n\n")
            .Append(Iri(Japanese)).Append(" a dct:LinguisticSystem .\n\n");
        foreach (var listing in items)
        {
            AppendDataset(turtle, root, listing);
        }
        return turtle.ToString();
    }

    /// <summary>The IRI of a listing's dataset, which is also where its own description is served.</summary>
    public static string DatasetIri(string root, string offeringId) => Iri($"{root}/catalog/datasets/{Uri.EscapeDataString(offeringId)}");

    private static void AppendDataset(StringBuilder turtle, string root, CatalogListing listing)
    {
        var id = Uri.EscapeDataString(listing.OfferingId);
        var dataset = DatasetIri(root, listing.OfferingId);
        var publisher = Iri($"{root}/providers/{Uri.EscapeDataString(listing.ProviderId)}");
        var contact = Iri($"{root}/providers/{Uri.EscapeDataString(listing.ProviderId)}#contact");
        var licence = LicenceIri(root, listing.Licence);
        turtle.Append(dataset).Append(" a dcat:Dataset ;\n")
            .Append("    dct:identifier ").Append(Literal(listing.OfferingId)).Append(" ;\n")
            .Append("    dct:title ").Append(Literal(listing.Title)).Append(" ;\n")
            .Append("    dct:description ").Append(Literal(string.IsNullOrWhiteSpace(listing.Description) ? listing.Title : listing.Description)).Append(" ;\n")
            .Append("    dct:publisher ").Append(publisher).Append(" ;\n")
            .Append("    dcat:contactPoint ").Append(contact).Append(" ;\n")
            .Append("    dct:language ").Append(Iri(Japanese)).Append(" ;\n")
            .Append("    dct:modified ").Append(Literal(listing.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))).Append("^^xsd:dateTime");
        foreach (var keyword in listing.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)))
        {
            turtle.Append(" ;\n    dcat:keyword ").Append(Literal(keyword));
        }
        var themes = listing.Themes.Where(t => ThemeCode().IsMatch(t)).Select(t => Iri(ThemeBase + t)).ToList();
        foreach (var theme in themes)
        {
            turtle.Append(" ;\n    dcat:theme ").Append(theme);
        }
        var page = Iri($"{root}/offerings/{id}");
        turtle.Append(" ;\n    dcat:landingPage ").Append(page);
        var personal = listing.DatasetClass == "personal";
        var distribution = Iri($"{root}/catalog/datasets/{id}#distribution");
        if (listing.Origin is { } origin)
        {
            AppendHarvested(turtle, root, listing, origin, licence);
            return;
        }
        if (!personal)
        {
            turtle.Append(" ;\n    dcat:distribution ").Append(distribution);
        }
        turtle.Append(" .\n\n").Append(page).Append(" a foaf:Document .\n\n");
        AppendAgents(turtle, listing.ProviderName, publisher, contact, themes);
        if (personal)
        {
            return;
        }
        turtle.Append(licence).Append(" a dct:LicenseDocument .\n\n");
        var open = listing.IsFree && listing.DatasetClass == "public" && !IsProprietary(listing.Licence);
        turtle.Append(distribution).Append(" a dcat:Distribution ;\n    dct:license ").Append(licence).Append(" ;\n");
        if (open)
        {
            var csv = Iri($"{root}/api/v1/offerings/{id}/download?format=csv");
            turtle.Append("    dct:title ").Append(Literal("Open-data download (CSV)", "en")).Append(" ;\n")
                .Append("    dcat:accessURL ").Append(csv).Append(" ;\n")
                .Append("    dcat:downloadURL ").Append(csv).Append(" ;\n")
                .Append("    dcat:mediaType <http://www.iana.org/assignments/media-types/text/csv> .\n\n")
                .Append("<http://www.iana.org/assignments/media-types/text/csv> a dct:MediaType .\n")
                .Append(csv).Append(" a rdfs:Resource .\n\n");
            return;
        }
        var service = Iri($"{root}/catalog/datasets/{id}#api");
        turtle.Append("    dct:title ").Append(Literal("Brokered API (an API key and a contract are needed)", "en")).Append(" ;\n")
            .Append("    dcat:accessURL ").Append(Iri($"{root}/api/v1/offerings/{id}")).Append(" ;\n")
            .Append("    dcat:accessService ").Append(service).Append(" .\n\n")
            .Append(service).Append(" a dcat:DataService ;\n")
            .Append("    dct:title ").Append(Literal("Marketplace brokered data API", "en")).Append(" ;\n")
            .Append("    dcat:endpointURL ").Append(Iri($"{root}/api/v1")).Append(" ;\n")
            .Append("    dct:license ").Append(licence).Append(" ;\n")
            .Append("    dcat:servesDataset ").Append(dataset).Append(" .\n")
            .Append(Iri($"{root}/api/v1")).Append(" a rdfs:Resource .\n")
            .Append(Iri($"{root}/api/v1/offerings/{id}")).Append(" a rdfs:Resource .\n\n");
    }

    private static void AppendAgents(StringBuilder turtle, string providerName, string publisher, string contact, List<string> themes)
    {
        turtle.Append(publisher).Append(" a foaf:Agent ;\n    foaf:name ").Append(Literal(providerName)).Append(" .\n\n");
        turtle.Append(contact).Append(" a vcard:Kind ;\n    vcard:fn ").Append(Literal(providerName)).Append(" .\n\n");
        foreach (var theme in themes)
        {
            turtle.Append(theme).Append(" a skos:Concept ;\n    skos:prefLabel ")
                .Append(Literal(ThemeLabels.GetValueOrDefault(theme[(ThemeBase.Length + 1)..^1], theme[(ThemeBase.Length + 1)..^1]), "en")).Append(" .\n");
        }
    }

    /// <summary>
    /// A harvested listing names where it comes from the DCAT-AP way: dct:source, the dataset at its source (a
    /// dcat:Dataset with its title and description), and adms:identifier, the source's own id for it; its
    /// distributions are the source's own links (never a copy here).
    /// </summary>
    private static void AppendHarvested(StringBuilder turtle, string root, CatalogListing listing, Marketplace.Domain.Harvest.ListingOrigin origin, string licence)
    {
        var dataset = DatasetIri(root, listing.OfferingId);
        var source = Iri(origin.SourceLink);
        var distributions = origin.Resources.Select((_, i) => Iri(string.Create(CultureInfo.InvariantCulture, $"{dataset[1..^1]}#source-{i + 1}"))).ToList();
        turtle.Append(" ;\n    dct:source ").Append(source)
            .Append(" ;\n    adms:identifier [ a adms:Identifier ; skos:notation ").Append(Literal(origin.SourceDatasetId)).Append(" ]");
        foreach (var distribution in distributions)
        {
            turtle.Append(" ;\n    dcat:distribution ").Append(distribution);
        }
        turtle.Append(" .\n\n").Append(Iri($"{root}/offerings/{Uri.EscapeDataString(listing.OfferingId)}")).Append(" a foaf:Document .\n\n");
        turtle.Append(source).Append(" a dcat:Dataset ;\n    dct:title ").Append(Literal(listing.Title))
            .Append(" ;\n    dct:description ").Append(Literal(string.IsNullOrWhiteSpace(listing.Description) ? listing.Title : listing.Description))
            // No publisher here: two sources may harvest the same dataset (a city's CKAN and its DCAT), and a dataset has one.
            .Append(" .\n\n");
        var themes = listing.Themes.Where(t => ThemeCode().IsMatch(t)).Select(t => Iri(ThemeBase + t)).ToList();
        AppendAgents(turtle, listing.ProviderName, Iri($"{root}/providers/{Uri.EscapeDataString(listing.ProviderId)}"),
            Iri($"{root}/providers/{Uri.EscapeDataString(listing.ProviderId)}#contact"), themes);
        if (distributions.Count > 0)
        {
            turtle.Append(licence).Append(" a dct:LicenseDocument .\n\n");
        }
        for (var i = 0; i < distributions.Count; i++)
        {
            var resource = origin.Resources[i];
            var url = Iri(resource.Url);
            turtle.Append(distributions[i]).Append(" a dcat:Distribution ;\n    dct:license ").Append(licence)
                .Append(" ;\n    dct:title ").Append(Literal(resource.Name))
                .Append(" ;\n    dcat:accessURL ").Append(url).Append(" .\n")
                .Append(url).Append(" a rdfs:Resource .\n\n");
        }
    }

    private static bool IsProprietary(string licence) => string.Equals(licence, "proprietary", StringComparison.OrdinalIgnoreCase);

    private static string LicenceIri(string root, string licence) =>
        SpdxId().IsMatch(licence) && !IsProprietary(licence)
            ? Iri($"http://spdx.org/licenses/{licence}")
            : Iri($"{root}/licences/{Uri.EscapeDataString(licence)}");

    /// <summary>An IRI reference; characters Turtle forbids in one are percent-encoded.</summary>
    public static string Iri(string iri)
    {
        ArgumentNullException.ThrowIfNull(iri);
        var text = new StringBuilder("<");
        foreach (var c in iri)
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
        return text.Append('>').ToString();
    }

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
