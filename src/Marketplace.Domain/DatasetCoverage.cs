using System.Globalization;
using System.Text.RegularExpressions;

namespace Marketplace.Domain;

/// <summary>
/// The rules for where a dataset's data comes from, as the open-data catalog publishes it (dct:spatial): a place
/// named by a gazetteer IRI, and a bounding box as a WKT POLYGON in WGS 84 (CRS84: longitude before latitude).
/// </summary>
public static partial class DatasetCoverage
{
    public const int MaxIriLength = 500;
    public const int MaxBoundingBoxLength = 2_000;

    /// <summary>The place IRI, trimmed, or null for none; anything but an absolute http(s) IRI is refused.</summary>
    public static string? PlaceIri(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var iri = value.Trim();
        if (iri.Length > MaxIriLength || !Uri.TryCreate(iri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || iri.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or '{' or '}' or '|' or '^' or '`' or '\\'))
        {
            throw new DomainException(ErrorCodes.DatasetInvalidSpatial,
                $"spatialIri '{TextBounds.Shorten(value)}' is not an absolute http(s) IRI of a place; use a gazetteer's, e.g. "
                + "https://sws.geonames.org/1850147/ (GeoNames) or a Japanese administrative-area code IRI, at most 500 characters.");
        }
        return iri;
    }

    /// <summary>
    /// The bounding box in a canonical spelling ("POLYGON((lon lat, …))"), or null for none. Refused unless it is
    /// one closed ring of at least four points with longitudes in [-180, 180] and latitudes in [-90, 90].
    /// </summary>
    public static string? BoundingBox(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var match = value.Length <= MaxBoundingBoxLength ? Polygon().Match(value) : Match.Empty;
        if (!match.Success)
        {
            throw Refused(value, "it is not a WKT polygon");
        }
        var points = new List<(decimal Lon, decimal Lat)>();
        foreach (var point in match.Groups["ring"].Value.Split(','))
        {
            var parts = point.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2
                || !decimal.TryParse(parts[0], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var lon)
                || !decimal.TryParse(parts[1], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var lat))
            {
                throw Refused(value, $"'{TextBounds.Shorten(point.Trim())}' is not a point 'longitude latitude'");
            }
            if (lon is < -180 or > 180 || lat is < -90 or > 90)
            {
                throw Refused(value, $"the point '{TextBounds.Shorten(point.Trim())}' is off the globe (longitude -180 to 180 first, then latitude -90 to 90)");
            }
            points.Add((lon, lat));
        }
        if (points.Count < 4 || points[0] != points[^1])
        {
            throw Refused(value, "a polygon's ring needs at least four points and must end where it starts");
        }
        return "POLYGON((" + string.Join(", ", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Lon} {p.Lat}"))) + "))";
    }

    private static DomainException Refused(string value, string why) =>
        new(ErrorCodes.DatasetInvalidBoundingBox,
            $"bbox '{TextBounds.Shorten(value)}' is refused: {why}. Give a WKT polygon in WGS 84, longitude before latitude, "
            + "e.g. POLYGON((139.60 35.43, 139.68 35.43, 139.68 35.49, 139.60 35.49, 139.60 35.43)).");

    [GeneratedRegex(@"^\s*POLYGON\s*\(\s*\((?<ring>[^()]*)\)\s*\)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Polygon();
}
