namespace Marketplace.Domain.Harvest;

/// <summary>One of a harvested dataset's distributions: a link to the source's own data (never a copy of it).</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.HarvestedResource")]
public sealed record HarvestedResource(
    [property: Id(0)] string Name,
    [property: Id(1)] string Url,
    [property: Id(2)] string Format);

/// <summary>
/// Where a harvested listing comes from: the harvest source (its id and name), the dataset's publisher there, the
/// link to the dataset at the source (its landing page), the source's distributions, and when the harvest last
/// confirmed it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ListingOrigin")]
public sealed record ListingOrigin(
    [property: Id(0)] string SourceId,
    [property: Id(1)] string SourceName,
    [property: Id(2)] string SourceDatasetId,
    [property: Id(3)] string Publisher,
    [property: Id(4)] string SourceLink,
    [property: Id(5)] IReadOnlyList<HarvestedResource> Resources,
    [property: Id(6)] DateTimeOffset HarvestedAt)
{
    /// <summary>Whether the two say the same about the dataset, whenever each was harvested.</summary>
    public bool SameContentAs(ListingOrigin? other) =>
        other is not null
        && SourceId == other.SourceId
        && SourceName == other.SourceName
        && SourceDatasetId == other.SourceDatasetId
        && Publisher == other.Publisher
        && SourceLink == other.SourceLink
        && Resources.SequenceEqual(other.Resources);
}
