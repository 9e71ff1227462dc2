using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Marketplace.Domain.Harvest;

/// <summary>The harvest source a record came from, as its listings name it.</summary>
public sealed record HarvestSourceRef(string SourceId, string SourceName, string Publisher, string SourceUrl);

/// <summary>A source record once checked: what its local listing says, and where it comes from.</summary>
public sealed record HarvestedContent(
    string SourceDatasetId,
    string Title,
    string Description,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Themes,
    string Licence,
    ListingOrigin Origin);

/// <summary>
/// From a remote source's record to the local listing that stands for it, with no I/O: ids derived from (source,
/// source dataset id) so that a harvest run again finds the listing it made; texts trimmed and checked against the
/// local bounds; titles refused when they carry HTML; every link absolute http or https. A record that breaks a
/// rule throws a <see cref="DomainException"/> (<see cref="ErrorCodes.HarvestRecordInvalid"/>) saying which record
/// and why, which the harvest records on its run and carries on.
/// </summary>
public static partial class HarvestMapping
{
    public const int MaxSourceIdLength = 500;
    public const int MaxUrlLength = 2_000;
    public const int MaxResources = 50;
    public const string UnknownLicence = "notspecified";
    private const string ThemeBase = "http://publications.europa.eu/resource/authority/data-theme/";
    private const string SpdxBase = "http://spdx.org/licenses/";

    /// <summary>The offering that lists a source's dataset: the same for the same (source, dataset) on every run.</summary>
    public static string OfferingId(string sourceId, string sourceDatasetId) => Identifiers.DerivedId("hv", $"{sourceId}\n{sourceDatasetId}");

    /// <summary>The dataset behind <see cref="OfferingId"/>.</summary>
    public static string DatasetId(string sourceId, string sourceDatasetId) => Identifiers.DerivedId("hvd", $"{sourceId}\n{sourceDatasetId}");

    public static HarvestedContent Map(HarvestSourceRef source, SourceRecord record, DateTimeOffset harvestedAt)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(record);
        var id = Clean(record.Id);
        if (id.Length == 0)
        {
            throw Refuse("(no id)", "it has no identifier");
        }
        if (id.Length > MaxSourceIdLength)
        {
            throw Refuse(TextBounds.Shorten(id), string.Create(CultureInfo.InvariantCulture, $"its identifier is {id.Length:N0} characters long (at most {MaxSourceIdLength:N0})"));
        }
        var title = Clean(record.Title);
        if (title.Length == 0)
        {
            throw Refuse(id, "it has no title");
        }
        if (Markup().IsMatch(title))
        {
            throw Refuse(id, $"its title contains HTML markup ('{TextBounds.Shorten(title)}'); a title is plain text");
        }
        Bound(id, title, TextBounds.Title, "title");
        var description = Clean(record.Description, keepLines: true);
        Bound(id, description, TextBounds.Description, "description");
        var keywords = List(id, record.Keywords, "keywords", k => k);
        var themes = List(id, record.Themes, "themes", t => t.StartsWith(ThemeBase, StringComparison.Ordinal) ? t[ThemeBase.Length..] : t);
        var licence = LicenceOf(record.Licence);
        Bound(id, licence, TextBounds.Code, "licence");
        var publisher = Clean(record.Publisher);
        publisher = publisher.Length == 0 ? source.Publisher : publisher;
        if (Markup().IsMatch(publisher))
        {
            throw Refuse(id, "its publisher's name contains HTML markup");
        }
        Bound(id, publisher, TextBounds.Name, "publisher");
        var link = string.IsNullOrWhiteSpace(record.LandingPage) ? source.SourceUrl : Url(id, record.LandingPage, "landing page");
        if (record.Resources.Count > MaxResources)
        {
            throw Refuse(id, string.Create(CultureInfo.InvariantCulture, $"it has {record.Resources.Count:N0} distributions (at most {MaxResources})"));
        }
        var resources = record.Resources
            .Select((r, i) => Resource(id, r, i))
            .OfType<HarvestedResource>()
            .ToList();
        var origin = new ListingOrigin(source.SourceId, source.SourceName, id, publisher, link, resources, harvestedAt);
        return new HarvestedContent(id, title, description, keywords, themes, licence, origin);
    }

    private static HarvestedResource? Resource(string id, SourceResource resource, int index)
    {
        if (string.IsNullOrWhiteSpace(resource.Url))
        {
            // A distribution with no link gives a visitor nothing to follow; it is left out, not an error.
            return null;
        }
        var url = Url(id, resource.Url, "distribution URL");
        var format = Clean(resource.Format);
        Bound(id, format, TextBounds.Code, "distribution format");
        var name = Clean(resource.Name);
        if (Markup().IsMatch(name))
        {
            throw Refuse(id, "a distribution's name contains HTML markup");
        }
        Bound(id, name, TextBounds.Title, "distribution name");
        if (name.Length == 0)
        {
            name = format.Length > 0 ? format : string.Create(CultureInfo.InvariantCulture, $"Distribution {index + 1}");
        }
        return new HarvestedResource(name, url, format);
    }

    private static string LicenceOf(string? value)
    {
        var licence = Clean(value);
        if (licence.StartsWith(SpdxBase, StringComparison.Ordinal))
        {
            return licence[SpdxBase.Length..].TrimEnd('/');
        }
        if (Uri.TryCreate(licence, UriKind.Absolute, out var iri) && iri.Scheme is "http" or "https")
        {
            // A licence named by another authority's IRI keeps the IRI's last segment, the way SPDX names read.
            var segment = iri.AbsolutePath.TrimEnd('/');
            segment = segment[(segment.LastIndexOf('/') + 1)..];
            return segment.Length > 0 ? Uri.UnescapeDataString(segment) : licence;
        }
        return licence.Length == 0 ? UnknownLicence : licence;
    }

    private static List<string> List(string id, IReadOnlyList<string> values, string field, Func<string, string> shape)
    {
        var list = values.Select(v => shape(Clean(v))).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > TextBounds.Keywords)
        {
            throw Refuse(id, string.Create(CultureInfo.InvariantCulture, $"it has {list.Count:N0} {field} (at most {TextBounds.Keywords})"));
        }
        foreach (var value in list)
        {
            if (Markup().IsMatch(value))
            {
                throw Refuse(id, $"one of its {field} contains HTML markup");
            }
            Bound(id, value, TextBounds.Keyword, field[..^1]);
        }
        return list;
    }

    /// <summary>An absolute http or https URL, or the record is refused.</summary>
    public static string Url(string id, string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        var url = value.Trim();
        if (url.Length > MaxUrlLength)
        {
            throw Refuse(id, string.Create(CultureInfo.InvariantCulture, $"its {what} is {url.Length:N0} characters long (at most {MaxUrlLength:N0})"));
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Any(char.IsControl))
        {
            throw Refuse(id, $"its {what} '{TextBounds.Shorten(url)}' is not an http or https URL");
        }
        return uri.AbsoluteUri;
    }

    private static void Bound(string id, string value, int max, string field)
    {
        if (value.Length > max)
        {
            throw Refuse(id, string.Create(CultureInfo.InvariantCulture, $"its {field} is {value.Length:N0} characters long (at most {max:N0})"));
        }
    }

    /// <summary>Trimmed, with control characters dropped (line breaks kept only where asked) and runs of spaces as one.</summary>
    private static string Clean(string? value, bool keepLines = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c == '\n' && keepLines)
            {
                text.Append('\n');
            }
            else if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] != ' ' && text[^1] != '\n')
                {
                    text.Append(' ');
                }
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString().Trim();
    }

    private static DomainException Refuse(string id, string why) =>
        new(ErrorCodes.HarvestRecordInvalid, $"Dataset '{TextBounds.Shorten(id)}' was not harvested: {why}.");

    /// <summary>An HTML tag, comment or character reference such as &amp;lt; (a title must be plain text).</summary>
    [GeneratedRegex(@"<\s*/?\s*[A-Za-z!][^>]*>|&[A-Za-z]+;|&#[0-9]+;", RegexOptions.CultureInvariant)]
    private static partial Regex Markup();
}
