using System.Text.Json;

namespace Marketplace.Domain.Harvest;

/// <summary>
/// CKAN package dicts (package_show's or package_search's results) read as <see cref="SourceRecord"/>s: id (or
/// name), title, notes, tags, groups as themes, license_id, the organization's title (or author) as publisher, the
/// package's url (or the source's dataset page) as landing page, and its resources' urls. Nothing is checked
/// here: <see cref="HarvestMapping"/> does that; a value of the wrong JSON type reads as missing.
/// </summary>
public static class CkanRecords
{
    /// <summary>The records of package_search's <c>result.results</c>, and the total count it reports.</summary>
    public static (IReadOnlyList<SourceRecord> Records, long Count) FromSearch(JsonElement result, string siteUrl)
    {
        var count = result.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var n) ? n : 0;
        if (!result.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("package_search answered without a 'results' list.");
        }
        return ([.. results.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Object).Select(p => FromPackage(p, siteUrl))], count);
    }

    /// <summary>One package dict; <paramref name="siteUrl"/> is the CKAN site (without /api/3/action) for its dataset page.</summary>
    public static SourceRecord FromPackage(JsonElement package, string siteUrl)
    {
        ArgumentNullException.ThrowIfNull(siteUrl);
        var id = String(package, "id") ?? String(package, "name");
        var name = String(package, "name") ?? id;
        var organization = package.TryGetProperty("organization", out var o) && o.ValueKind == JsonValueKind.Object ? String(o, "title") ?? String(o, "name") : null;
        var url = String(package, "url");
        return new SourceRecord(
            Id: id,
            Title: String(package, "title") ?? name,
            Description: String(package, "notes"),
            Keywords: Names(package, "tags", "name"),
            Themes: Names(package, "groups", "name"),
            Licence: String(package, "license_id"),
            Publisher: organization ?? String(package, "author"),
            LandingPage: !string.IsNullOrWhiteSpace(url) ? url : name is null ? null : $"{siteUrl.TrimEnd('/')}/dataset/{Uri.EscapeDataString(name)}",
            Resources: package.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array
                ? [.. resources.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object)
                    .Select(r => new SourceResource(String(r, "name"), String(r, "url"), String(r, "format")))]
                : [],
            OpenData: IsOpenToEveryone(package));
    }

    /// <summary>Not when CKAN marks it private, nor when a marketplace's extra says it is private or personal data.</summary>
    private static bool IsOpenToEveryone(JsonElement package)
    {
        if (package.TryGetProperty("private", out var isPrivate) && isPrivate.ValueKind == JsonValueKind.True)
        {
            return false;
        }
        if (package.TryGetProperty("extras", out var extras) && extras.ValueKind == JsonValueKind.Array)
        {
            foreach (var extra in extras.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
            {
                if (String(extra, "key") == "dataset_class" && String(extra, "value") is "private" or "personal")
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> Names(JsonElement package, string property, string field) =>
        package.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e => String(e, field)).OfType<string>()]
            : [];
}
