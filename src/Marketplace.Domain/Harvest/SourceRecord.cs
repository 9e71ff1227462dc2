namespace Marketplace.Domain.Harvest;

/// <summary>A distribution as a source describes it, not yet checked.</summary>
public sealed record SourceResource(string? Name, string? Url, string? Format);

/// <summary>
/// One dataset as a harvest source (a CKAN package or a DCAT-AP dataset) describes it, not yet checked: every
/// field is what the remote said, and anything may be missing, too long or hostile. <see cref="OpenData"/> is false
/// when the source says the dataset is not open to everyone (CKAN's <c>private</c>, or a marketplace's
/// <c>dataset_class</c> extra of private or personal data; DCAT's dct:accessRights other than PUBLIC): only open
/// data is harvested, so such a dataset is treated as absent.
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
    IReadOnlyList<SourceResource> Resources,
    bool OpenData = true);
