using System.Globalization;
using System.Text.Json.Serialization;
using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Ckan;

/// <summary>CKAN's answer envelope (ckan/views/api.py): <c>help</c>, <c>success</c>, and <c>result</c> or <c>error</c>.</summary>
public sealed record CkanEnvelope(
    [property: JsonPropertyName("help")] string Help,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("result"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Result = null,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CkanErrorBody? Error = null);

/// <summary>CKAN's error: <c>__type</c> is "Not Found Error", "Validation Error" and so on.</summary>
public sealed record CkanErrorBody(
    [property: JsonPropertyName("__type")] string Type,
    [property: JsonPropertyName("message")] string Message);

/// <summary>A request CKAN would refuse: the status and error CKAN answers it with.</summary>
public sealed class CkanRefusal(int status, string type, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public static CkanRefusal NotFound(string message) => new(404, "Not Found Error", message);

    public static CkanRefusal Invalid(string message) => new(409, "Validation Error", message);
}

public sealed record CkanTag(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("vocabulary_id")] string? VocabularyId);

/// <summary>An organization or group dict (ckan/lib/dictization/model_dictize.py group_dictize).</summary>
public sealed record CkanGroup(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("is_organization")] bool IsOrganization,
    [property: JsonPropertyName("approval_status")] string ApprovalStatus,
    [property: JsonPropertyName("image_url")] string ImageUrl,
    [property: JsonPropertyName("image_display_url")] string ImageDisplayUrl,
    [property: JsonPropertyName("created")] string? Created,
    [property: JsonPropertyName("package_count"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PackageCount = null,
    [property: JsonPropertyName("packages"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CkanPackage>? Packages = null);

public sealed record CkanResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("package_id")] string PackageId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("mimetype")] string? Mimetype,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("position")] int Position,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("last_modified")] string LastModified,
    [property: JsonPropertyName("url_type")] string? UrlType,
    [property: JsonPropertyName("resource_type")] string? ResourceType);

public sealed record CkanExtra(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] string Value);

/// <summary>A package dict as package_show answers it (ckan/lib/dictization/model_dictize.py package_dictize).</summary>
public sealed record CkanPackage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("notes")] string Notes,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("author")] string Author,
    [property: JsonPropertyName("author_email")] string? AuthorEmail,
    [property: JsonPropertyName("maintainer")] string Maintainer,
    [property: JsonPropertyName("maintainer_email")] string? MaintainerEmail,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("license_id")] string LicenseId,
    [property: JsonPropertyName("license_title")] string LicenseTitle,
    [property: JsonPropertyName("isopen")] bool IsOpen,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("private")] bool Private,
    [property: JsonPropertyName("owner_org")] string OwnerOrg,
    [property: JsonPropertyName("organization")] CkanGroup Organization,
    [property: JsonPropertyName("tags")] IReadOnlyList<CkanTag> Tags,
    [property: JsonPropertyName("groups")] IReadOnlyList<CkanGroup> Groups,
    [property: JsonPropertyName("resources")] IReadOnlyList<CkanResource> Resources,
    [property: JsonPropertyName("extras")] IReadOnlyList<CkanExtra> Extras,
    [property: JsonPropertyName("num_resources")] int NumResources,
    [property: JsonPropertyName("num_tags")] int NumTags,
    [property: JsonPropertyName("metadata_created")] string MetadataCreated,
    [property: JsonPropertyName("metadata_modified")] string MetadataModified,
    [property: JsonPropertyName("relationships_as_object")] IReadOnlyList<object> RelationshipsAsObject,
    [property: JsonPropertyName("relationships_as_subject")] IReadOnlyList<object> RelationshipsAsSubject,
    [property: JsonPropertyName("license_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LicenseUrl = null);

public sealed record CkanFacetItem(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("count")] long Count);

public sealed record CkanSearchFacet(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("items")] IReadOnlyList<CkanFacetItem> Items);

/// <summary>package_search's result (ckan/logic/action/get.py package_search).</summary>
public sealed record CkanSearchResult(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("sort")] string Sort,
    [property: JsonPropertyName("facets")] IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Facets,
    [property: JsonPropertyName("search_facets")] IReadOnlyDictionary<string, CkanSearchFacet> SearchFacets,
    [property: JsonPropertyName("results")] IReadOnlyList<CkanPackage> Results);

/// <summary>A package_search as asked: filters from <c>fq</c>, paging and order.</summary>
public sealed record CkanQuery(
    string? Text,
    IReadOnlyList<KeyValuePair<string, string>> Filters,
    int Rows,
    int Start,
    string Sort,
    IReadOnlyList<string> FacetFields,
    int FacetLimit = CkanCatalog.DefaultFacetLimit,
    int FacetMinCount = 1,
    IReadOnlyDictionary<string, int>? FieldFacetLimits = null);

/// <summary>
/// The marketplace's catalog in CKAN's shapes: an offering visible to everyone is a package (its dataset's tags,
/// themes as groups, its provider as organization), its open-data download or brokered API its resources.
/// Which offerings those are is decided by <see cref="CatalogBrowsing"/> (as an anonymous visitor sees them) and
/// which download is <see cref="OpenDataDownloads.IsDownloadable"/>; this class only translates.
/// </summary>
public static class CkanCatalog
{
    public const int DefaultRows = 10;
    public const int MaxRows = 1000;
    public const string DefaultSort = "score desc, metadata_modified desc";

    /// <summary>CKAN's facet.limit (search.facets.limit): the most values a facet answers; a negative limit answers all.</summary>
    public const int DefaultFacetLimit = 50;

    /// <summary>The fq fields package_search filters on.</summary>
    public static readonly IReadOnlyList<string> FilterFields = ["organization", "tags", "groups", "res_format", "license_id", "name", "id"];

    /// <summary>CKAN's default facet fields (search.facets in ckan/config/config_declaration.yaml).</summary>
    public static readonly IReadOnlyList<string> DefaultFacetFields = ["organization", "groups", "tags", "res_format", "license_id"];

    /// <summary>CKAN's timestamp format: UTC without an offset, microseconds.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public static CkanGroup Organization(string providerId, string providerName, long? packageCount = null) =>
        new(providerId, providerId, providerName, providerName, "", "organization", "active", true, "approved", "", "", null, packageCount);

    /// <summary>organization_show's include_datasets: the organization with its (truncated) list of package dicts.</summary>
    public static CkanGroup WithPackages(CkanGroup organization, IReadOnlyList<CkanPackage> packages)
    {
        ArgumentNullException.ThrowIfNull(organization);
        return organization with { Packages = packages };
    }

    public static CkanGroup Group(string theme, long? packageCount = null) =>
        new(theme, theme, theme, theme, "", "group", "active", false, "approved", "", "", null, packageCount);

    public static CkanTag Tag(string keyword) => new(keyword, keyword, keyword, "active", null);

    /// <summary>The package of an offering visible to everyone; <paramref name="baseUrl"/> is the host's own, without a trailing slash.</summary>
    public static CkanPackage Package(CatalogEntry entry, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var offering = entry.Offering;
        var metadata = entry.Dataset?.Definition.Metadata;
        var licence = metadata?.Licence ?? "";
        var tags = (metadata?.Keywords ?? []).Distinct(StringComparer.Ordinal).Select(Tag).ToList();
        var groups = (metadata?.Themes ?? []).Distinct(StringComparer.Ordinal).Select(t => Group(t)).ToList();
        var resources = Resources(entry, baseUrl);
        var organization = Organization(offering.ProviderId, entry.ProviderName);
        return new CkanPackage(
            Id: offering.Id,
            Name: offering.Id,
            Title: offering.Definition.Title,
            Notes: offering.Definition.Description,
            // CKAN's "url" is the dataset's source: a harvested listing's page at its source.
            Url: offering.Origin?.SourceLink ?? $"{baseUrl}/offerings/{offering.Id}",
            Author: metadata?.Publisher is { Length: > 0 } publisher ? publisher : entry.ProviderName,
            AuthorEmail: null,
            Maintainer: entry.ProviderName,
            MaintainerEmail: null,
            Version: entry.Dataset?.CurrentRevision?.RevisionId,
            LicenseId: licence,
            LicenseTitle: CkanLicences.Title(licence),
            IsOpen: OpenDataDownloads.IsOpenLicence(licence),
            State: "active",
            Type: "dataset",
            Private: false,
            OwnerOrg: offering.ProviderId,
            Organization: organization,
            Tags: tags,
            Groups: groups,
            Resources: resources,
            Extras: [new("dataset_class", WireNames.Of(offering.DatasetClass)), new("dataset_id", offering.Definition.DatasetId), .. HarvestExtras(offering)],
            NumResources: resources.Count,
            NumTags: tags.Count,
            MetadataCreated: Timestamp(offering.CreatedAt),
            MetadataModified: Timestamp(offering.UpdatedAt),
            RelationshipsAsObject: [],
            RelationshipsAsSubject: [],
            LicenseUrl: CkanLicences.Url(licence));
    }

    /// <summary>The extras ckanext-harvest sets on a harvested package (harvest_source_id, harvest_source_title), and where it came from.</summary>
    private static IEnumerable<CkanExtra> HarvestExtras(Marketplace.Grains.OfferingView offering) => offering.Origin is not { } origin
        ? []
        :
        [
            new("harvest_source_id", origin.SourceId),
            new("harvest_source_title", origin.SourceName),
            new("harvest_source_dataset_id", origin.SourceDatasetId),
            new("harvest_url", origin.SourceLink),
            new("harvest_publisher", origin.Publisher),
            new("harvested_at", Timestamp(origin.HarvestedAt)),
        ];

    /// <summary>
    /// Open data downloads as CSV and JSON Lines; any other offering that is not of personal data is reached through
    /// the brokered API under a contract; personal data never has a resource.
    /// </summary>
    public static IReadOnlyList<CkanResource> Resources(CatalogEntry entry, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var offering = entry.Offering;
        var created = Timestamp(offering.CreatedAt);
        var modified = Timestamp(offering.UpdatedAt);
        if (offering.DatasetClass == DatasetClass.Personal || entry.Dataset?.Definition.Class == DatasetClass.Personal)
        {
            return [];
        }
        if (offering.Origin is { } origin)
        {
            // A harvested listing's data stays at its source: its resources are the source's own links.
            return [.. origin.Resources.Select((r, i) => new CkanResource(string.Create(CultureInfo.InvariantCulture, $"{offering.Id}-source-{i + 1}"), offering.Id,
                r.Name, $"From {origin.SourceName}.", r.Url, r.Format, null, "active", i, created, modified, null, null))];
        }
        if (OpenDataDownloads.IsDownloadable(entry))
        {
            var download = $"{baseUrl}/api/v1/offerings/{offering.Id}/download";
            return
            [
                new($"{offering.Id}-csv", offering.Id, $"{offering.Definition.Title} (CSV)", "The whole current revision as CSV, without a key.",
                    $"{download}?format=csv", "CSV", "text/csv", "active", 0, created, modified, null, "file"),
                new($"{offering.Id}-jsonl", offering.Id, $"{offering.Definition.Title} (JSON Lines)", "The whole current revision as JSON Lines, without a key.",
                    $"{download}?format=jsonl", "JSONL", "application/jsonl", "active", 1, created, modified, null, "file"),
            ];
        }
        return
        [
            new($"{offering.Id}-api", offering.Id, $"{offering.Definition.Title} (API)",
                "Brokered, metered API: subscribe to the offering, then read its records at /api/v1/contracts/{contractId}/records with your key.",
                $"{baseUrl}/api/v1/offerings/{offering.Id}", "API", "application/json", "active", 0, created, modified, null, "api"),
        ];
    }

    /// <summary>Reads package_search's parameters as CKAN does; a value CKAN would refuse throws a <see cref="CkanRefusal"/>.</summary>
    public static CkanQuery Query(string? q, string? fq, string? rows, string? start, string? sort, IEnumerable<string> facetFields,
        string? facetLimit = null, string? facetMinCount = null, IReadOnlyDictionary<string, string>? fieldFacetLimits = null)
    {
        ArgumentNullException.ThrowIfNull(facetFields);
        var rowCount = ParseCount(rows, "rows", DefaultRows);
        if (rowCount > MaxRows)
        {
            rowCount = MaxRows; // CKAN caps rows at ckan.search.rows_max rather than refusing.
        }
        var text = string.IsNullOrWhiteSpace(q) || q.Trim() == "*:*" ? null : q.Trim();
        var facets = facetFields.SelectMany(ParseFacetFields).Distinct(StringComparer.Ordinal).ToList();
        foreach (var field in facets)
        {
            if (!DefaultFacetFields.Contains(field, StringComparer.Ordinal))
            {
                throw CkanRefusal.Invalid($"facet.field '{field}' is not one of: {string.Join(", ", DefaultFacetFields)}.");
            }
        }
        var limits = (fieldFacetLimits ?? new Dictionary<string, string>()).ToDictionary(
            l => l.Key, l => ParseLimit(l.Value, $"f.{l.Key}.facet.limit", DefaultFacetLimit), StringComparer.Ordinal);
        return new CkanQuery(text, ParseFilters(fq), rowCount, ParseCount(start, "start", 0), ParseSort(sort), facets,
            ParseLimit(facetLimit, "facet.limit", DefaultFacetLimit), ParseCount(facetMinCount, "facet.mincount", 1), limits);
    }

    /// <summary>A facet limit: an integer, negative for no limit.</summary>
    private static int ParseLimit(string? value, string name, int fallback)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }
        return int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : throw CkanRefusal.Invalid($"'{name}' must be an integer (-1 for every value).");
    }

    /// <summary>package_list's limit (all when absent) and offset; a value that is not a natural number is a validation error.</summary>
    public static (int Take, int Skip) Window(string? limit, string? offset) =>
        (ParseCount(limit, "limit", int.MaxValue), ParseCount(offset, "offset", 0));

    private static int ParseCount(string? value, string name, int fallback)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }
        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw CkanRefusal.Invalid($"'{name}' must be a natural number.");
    }

    private static IEnumerable<string> ParseFacetFields(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            // CKAN's documented form is a JSON list: facet.field=["organization","tags"].
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize<string[]>(trimmed) ?? [];
            }
            catch (System.Text.Json.JsonException)
            {
                throw CkanRefusal.Invalid("facet.field must be a JSON list of field names, such as [\"organization\",\"tags\"].");
            }
        }
        return trimmed.Length == 0 ? [] : [trimmed];
    }

    private static readonly string[] SortFields = ["score", "metadata_modified", "metadata_created", "title_string", "name"];

    private static string ParseSort(string? sort)
    {
        if (string.IsNullOrWhiteSpace(sort))
        {
            return DefaultSort;
        }
        var clauses = sort.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var clause in clauses)
        {
            var parts = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !SortFields.Contains(parts[0], StringComparer.Ordinal) || parts[1] is not ("asc" or "desc"))
            {
                throw CkanRefusal.Invalid($"Cannot sort by '{clause}': use <field> asc|desc with a field of {string.Join(", ", SortFields)}.");
            }
        }
        return clauses.Length == 0 ? DefaultSort : string.Join(", ", clauses);
    }

    /// <summary>fq as <c>field:value</c> or <c>field:"a value"</c> terms separated by spaces (optionally joined by AND).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseFilters(string? fq)
    {
        var filters = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrWhiteSpace(fq))
        {
            return filters;
        }
        var i = 0;
        while (i < fq.Length)
        {
            while (i < fq.Length && (char.IsWhiteSpace(fq[i]) || fq[i] == '+'))
            {
                i++;
            }
            if (i >= fq.Length)
            {
                break;
            }
            var colon = fq.IndexOf(':', i);
            if (fq.AsSpan(i).StartsWith("AND ", StringComparison.Ordinal))
            {
                i += 4;
                continue;
            }
            if (colon < 0)
            {
                throw CkanRefusal.Invalid($"fq must be field:value terms; '{fq[i..]}' has no field.");
            }
            var field = fq[i..colon].Trim();
            if (!FilterFields.Contains(field, StringComparer.Ordinal))
            {
                throw CkanRefusal.Invalid($"fq field '{field}' is not one of: {string.Join(", ", FilterFields)}.");
            }
            i = colon + 1;
            string value;
            if (i < fq.Length && fq[i] == '"')
            {
                var close = fq.IndexOf('"', i + 1);
                if (close < 0)
                {
                    throw CkanRefusal.Invalid($"fq value of '{field}' has an unclosed quote.");
                }
                value = fq[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                var end = i;
                while (end < fq.Length && !char.IsWhiteSpace(fq[end]))
                {
                    end++;
                }
                value = fq[i..end];
                i = end;
            }
            filters.Add(new(field, value));
        }
        return filters;
    }

    private static IEnumerable<string> ValuesOf(CkanRow row, string field) => field switch
    {
        "organization" => [row.Organization],
        "tags" => row.Tags,
        "groups" => row.Groups,
        "res_format" => row.Formats ?? [],
        "license_id" => [row.LicenseId],
        "name" or "id" => [row.Name],
        _ => [],
    };

    /// <summary>A package's fields package_search filters, sorts and counts on.</summary>
    public static CkanRow Row(CkanPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return new(package.Name, package.Organization.Name, package.Title, [.. package.Tags.Select(t => t.Name)], [.. package.Groups.Select(g => g.Name)],
            package.LicenseId, package.MetadataModified, package.MetadataCreated, [.. package.Resources.Select(r => r.Format).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// The same fields from the catalog index's listing, without a grain call: all but the resources' formats and the
    /// offering's creation time, which only the package has (<see cref="NeedsPackages"/>).
    /// </summary>
    public static CkanRow Row(CatalogListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        return new(listing.OfferingId, listing.ProviderId, listing.Title, [.. listing.Keywords.Distinct(StringComparer.Ordinal)],
            [.. listing.Themes.Distinct(StringComparer.Ordinal)], listing.Licence, Timestamp(listing.UpdatedAt));
    }

    /// <summary>Whether the query filters, counts or sorts on what only a whole package has: res_format or metadata_created.</summary>
    public static bool NeedsPackages(CkanQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Filters.Any(f => f.Key == "res_format") || query.FacetFields.Contains("res_format", StringComparer.Ordinal)
            || query.Sort.Split(", ").Any(clause => clause.StartsWith("metadata_created ", StringComparison.Ordinal));
    }

    /// <summary>
    /// package_search over the packages <paramref name="matches"/> (in the catalog's relevance order for the search text):
    /// fq filters, facet counts over every match, the order asked, and the page from <c>start</c>.
    /// </summary>
    public static CkanSearchResult Search(IReadOnlyList<CkanPackage> matches, CkanQuery query)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var found = SearchRows([.. matches.Select(Row)], query);
        var byName = matches.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var names = matches.Select(p => p.Organization).DistinctBy(o => o.Name).ToDictionary(o => o.Name, o => o.Title, StringComparer.Ordinal);
        return Result(query, found.Count, [.. found.Page.Select(r => byName[r.Name])], found.Facets, names);
    }

    /// <summary>
    /// package_search over <paramref name="matches"/> in the catalog's relevance order: fq filters, facet counts over
    /// every match, the order asked, and the rows of the page from <c>start</c> (whose packages are then built).
    /// </summary>
    public static CkanRowPage SearchRows(IReadOnlyList<CkanRow> matches, CkanQuery query)
    {
        ArgumentNullException.ThrowIfNull(matches);
        ArgumentNullException.ThrowIfNull(query);
        var filtered = matches
            .Where(p => query.Filters.All(f => ValuesOf(p, f.Key).Contains(f.Value, StringComparer.OrdinalIgnoreCase)))
            .ToList();
        var rank = filtered.Select((p, index) => (p.Name, index)).ToDictionary(x => x.Name, x => x.index, StringComparer.Ordinal);
        var comparisons = query.Sort.Split(", ").Select(clause =>
        {
            var parts = clause.Split(' ');
            var sign = parts[1] == "desc" ? -1 : 1;
            return parts[0] switch
            {
                // The catalog answered in relevance order already: best first, whichever way score is asked.
                "score" => (Comparison<CkanRow>)((a, b) => rank[a.Name].CompareTo(rank[b.Name])),
                "metadata_modified" => (a, b) => sign * string.CompareOrdinal(a.MetadataModified, b.MetadataModified),
                "metadata_created" => (a, b) => sign * string.CompareOrdinal(a.MetadataCreated, b.MetadataCreated),
                "title_string" => (a, b) => sign * StringComparer.OrdinalIgnoreCase.Compare(a.Title, b.Title),
                _ => (a, b) => sign * string.CompareOrdinal(a.Name, b.Name),
            };
        }).ToList();
        var ordered = filtered.ToList();
        ordered.Sort((a, b) =>
        {
            foreach (var comparison in comparisons)
            {
                var order = comparison(a, b);
                if (order != 0)
                {
                    return order;
                }
            }
            return rank[a.Name].CompareTo(rank[b.Name]);
        });
        var page = ordered.Skip(query.Start).Take(query.Rows).ToList();
        var facets = new Dictionary<string, IReadOnlyList<FacetCount>>(StringComparer.Ordinal);
        foreach (var field in query.FacetFields)
        {
            facets[field] = [.. filtered.SelectMany(p => ValuesOf(p, field).Distinct(StringComparer.Ordinal))
                .GroupBy(v => v, StringComparer.Ordinal)
                .Select(g => new FacetCount(g.Key, g.Count()))];
        }
        return new CkanRowPage(filtered.Count, page, facets);
    }

    /// <summary>
    /// The values a facet answers: at least facet.mincount each, most frequent first (then by name), at most
    /// f.&lt;field&gt;.facet.limit or else facet.limit of them (a negative limit: all).
    /// </summary>
    public static IReadOnlyList<FacetCount> Answered(CkanQuery query, string field, IEnumerable<FacetCount> counts)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(counts);
        var limit = query.FieldFacetLimits is { } own && own.TryGetValue(field, out var fieldLimit) ? fieldLimit : query.FacetLimit;
        return [.. counts.Where(c => c.Count > 0 && c.Count >= query.FacetMinCount)
            .OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)
            .Take(limit < 0 ? int.MaxValue : limit)];
    }

    /// <summary>
    /// package_search's answer: the count, the page's packages, and each facet asked for, most frequent first (then by
    /// name); <paramref name="organizationTitles"/> names the organizations in search_facets.
    /// </summary>
    public static CkanSearchResult Result(CkanQuery query, long count, IReadOnlyList<CkanPackage> page,
        IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> facetCounts, IReadOnlyDictionary<string, string> organizationTitles)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(facetCounts);
        ArgumentNullException.ThrowIfNull(organizationTitles);
        var facets = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        var searchFacets = new Dictionary<string, CkanSearchFacet>(StringComparer.Ordinal);
        foreach (var field in query.FacetFields)
        {
            var counts = Answered(query, field, facetCounts.GetValueOrDefault(field, []));
            facets[field] = counts.ToDictionary(c => c.Value, c => c.Count, StringComparer.Ordinal);
            searchFacets[field] = new CkanSearchFacet(field,
                [.. counts.Select(c => new CkanFacetItem(c.Value, field == "organization" ? organizationTitles.GetValueOrDefault(c.Value) ?? c.Value : c.Value, c.Count))]);
        }
        return new CkanSearchResult(count, query.Sort, facets, searchFacets, page);
    }
}

/// <summary>A package's fields package_search filters, sorts and counts on; <see cref="Formats"/> and <see cref="MetadataCreated"/> only when read from the package.</summary>
public sealed record CkanRow(
    string Name,
    string Organization,
    string Title,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Groups,
    string LicenseId,
    string MetadataModified,
    string? MetadataCreated = null,
    IReadOnlyList<string>? Formats = null);

/// <summary>What package_search found: how many match, the rows of the page asked, and the facet counts over every match.</summary>
public sealed record CkanRowPage(long Count, IReadOnlyList<CkanRow> Page, IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets);
