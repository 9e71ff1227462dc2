namespace Marketplace.Domain.Harvest;

/// <summary>A distribution as a source describes it, not yet checked.</summary>
public sealed record SourceResource(string? Name, string? Url, string? Format);

/// <summary>
/// One dataset as a harvest source (a CKAN package or a DCAT-AP dataset) describes it, not yet checked: every
/// field is what the remote said, and anything may be missing, too long or hostile.
/// </summary>
public sealed record SourceRecord(
    string? Id,
    string? Title,
    string? Description,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Themes,
    string? Licence,
    string? Publisher,
    string? LandingPage,
    IReadOnlyList<SourceResource> Resources);
