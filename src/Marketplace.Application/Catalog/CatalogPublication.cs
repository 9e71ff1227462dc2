using System.Text.RegularExpressions;

namespace Marketplace.Application.Catalog;

/// <summary>
/// Who publishes the open-data catalog and how it presents itself (configuration section Marketplace:Catalog):
/// the dcat:Catalog's title, description, homepage and language, and its dct:publisher. Unset, the catalog is
/// the marketplace's own: its publisher is {host}/#marketplace and its homepage the host's root.
/// </summary>
public sealed partial record CatalogPublication
{
    public string Title { get; init; } = "City data marketplace";

    public string Description { get; init; } = "Datasets offered on the city data marketplace: open data, brokered APIs and personal data under consent.";

    public string PublisherName { get; init; } = "City data marketplace";

    /// <summary>An absolute IRI naming the publisher (e.g. the city's own site); null: {host}/#marketplace.</summary>
    public string? PublisherUri { get; init; }

    /// <summary>The catalog's main web page; null: the host's root.</summary>
    public string? Homepage { get; init; }

    /// <summary>The catalog's language as an EU language authority code (JPN, ENG).</summary>
    public string Language { get; init; } = "JPN";

    /// <summary>Refuses a setting the catalog could not be written with, naming it.</summary>
    public CatalogPublication Validated()
    {
        Require(!string.IsNullOrWhiteSpace(Title), "Marketplace:Catalog:Title is empty; set a title or remove it for the default.");
        Require(!string.IsNullOrWhiteSpace(Description), "Marketplace:Catalog:Description is empty; set one or remove it for the default.");
        Require(!string.IsNullOrWhiteSpace(PublisherName), "Marketplace:Catalog:PublisherName is empty; set one or remove it for the default.");
        Require(PublisherUri is null || Uri.TryCreate(PublisherUri, UriKind.Absolute, out _), $"Marketplace:Catalog:PublisherUri '{PublisherUri}' is not an absolute IRI such as https://www.city.example/.");
        Require(Homepage is null || Uri.TryCreate(Homepage, UriKind.Absolute, out _), $"Marketplace:Catalog:Homepage '{Homepage}' is not an absolute URL.");
        Require(LanguageCode().IsMatch(Language), $"Marketplace:Catalog:Language '{Language}' is not an EU language authority code such as JPN or ENG.");
        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex LanguageCode();
}
