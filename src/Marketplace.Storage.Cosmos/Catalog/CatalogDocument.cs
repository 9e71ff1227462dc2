using System.Globalization;
using System.Text.Json.Serialization;
using Marketplace.Storage.Catalog;

namespace Marketplace.Storage.Cosmos.Catalog;

/// <summary>A listing, partitioned by its offering id (listings spread evenly; search fans out across partitions).</summary>
internal sealed class CatalogDocument
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("offeringId")] public required string OfferingId { get; init; }

    [JsonPropertyName("datasetId")] public required string DatasetId { get; init; }

    [JsonPropertyName("providerId")] public required string ProviderId { get; init; }

    [JsonPropertyName("providerName")] public required string ProviderName { get; init; }

    [JsonPropertyName("title")] public required string Title { get; init; }

    [JsonPropertyName("description")] public required string Description { get; init; }

    [JsonPropertyName("keywords")] public required string[] Keywords { get; init; }

    [JsonPropertyName("themes")] public required string[] Themes { get; init; }

    [JsonPropertyName("datasetClass")] public required string DatasetClass { get; init; }

    [JsonPropertyName("priceModel")] public required string PriceModel { get; init; }

    [JsonPropertyName("isFree")] public required bool IsFree { get; init; }

    [JsonPropertyName("priceSummary")] public required string PriceSummary { get; init; }

    [JsonPropertyName("isPublic")] public required bool IsPublic { get; init; }

    [JsonPropertyName("visibleTo")] public required string[] VisibleTo { get; init; }

    [JsonPropertyName("licence")] public required string Licence { get; init; }

    [JsonPropertyName("updatedAt")] public required string UpdatedAt { get; init; }

    /// <summary>Absent (null) in documents written before it existed: an unknown price.</summary>
    [JsonPropertyName("priceMinor")] public long? PriceMinor { get; init; }

    /// <summary>A harvested listing's origin as JSON; absent for the marketplace's own offerings.</summary>
    [JsonPropertyName("origin")] public string? Origin { get; init; }

    /// <summary>The short searchable fields (returned by searches, for ranking).</summary>
    [JsonPropertyName("s")] public required SearchFields Search { get; init; }

    /// <summary>The searchable description: matched, never returned by searches.</summary>
    [JsonPropertyName("sd")] public required string SearchDescription { get; init; }

    public static string IdFor(string offeringId) => DocumentIds.For("", offeringId);

    public static CatalogDocument From(CatalogListing listing) => new()
    {
        Id = IdFor(listing.OfferingId),
        PartitionKey = listing.OfferingId,
        OfferingId = listing.OfferingId,
        DatasetId = listing.DatasetId,
        ProviderId = listing.ProviderId,
        ProviderName = listing.ProviderName,
        Title = listing.Title,
        Description = listing.Description,
        Keywords = [.. listing.Keywords],
        Themes = [.. listing.Themes],
        DatasetClass = listing.DatasetClass,
        PriceModel = listing.PriceModel,
        IsFree = listing.IsFree,
        PriceSummary = listing.PriceSummary,
        IsPublic = listing.IsPublic,
        VisibleTo = [.. listing.VisibleToBuyers],
        Licence = listing.Licence,
        UpdatedAt = listing.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        PriceMinor = listing.PriceMinor,
        Origin = listing.Origin is { } origin ? System.Text.Json.JsonSerializer.Serialize(origin) : null,
        Search = new SearchFields
        {
            Title = CatalogText.ForIndex(listing.Title),
            Keywords = CatalogText.ForIndex(string.Join(" ; ", listing.Keywords)),
            Themes = CatalogText.ForIndex(string.Join(" ; ", listing.Themes)),
            Provider = CatalogText.ForIndex(listing.ProviderName),
        },
        SearchDescription = CatalogText.ForIndex(listing.Description),
    };

    public CatalogListing ToListing() => new(
        OfferingId, DatasetId, ProviderId, ProviderName, Title, Description, Keywords, Themes, DatasetClass, PriceModel,
        IsFree, PriceSummary, IsPublic, VisibleTo, Licence,
        DateTimeOffset.Parse(UpdatedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), PriceMinor,
        Origin is null ? null : System.Text.Json.JsonSerializer.Deserialize<Marketplace.Domain.Harvest.ListingOrigin>(Origin));
}

internal sealed class SearchFields
{
    [JsonPropertyName("t")] public required string Title { get; init; }

    [JsonPropertyName("k")] public required string Keywords { get; init; }

    [JsonPropertyName("h")] public required string Themes { get; init; }

    [JsonPropertyName("p")] public required string Provider { get; init; }
}

/// <summary>
/// What a removal leaves in place of a listing: the change feed (latest version) carries no deletes, so a
/// removal is a write every silo's feed sees. It expires after <see cref="CatalogTombstone.Lifetime"/> on the
/// service (TTL; the local server keeps it, which changes nothing but storage).
/// </summary>
internal sealed class CatalogTombstone
{
    /// <summary>Far longer than any silo's feed can lag; a silo that starts later builds from live listings only.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("offeringId")] public required string OfferingId { get; init; }

    [JsonPropertyName("removed")] public bool Removed { get; init; } = true;

    [JsonPropertyName("ttl")] public int TimeToLiveSeconds { get; init; } = (int)Lifetime.TotalSeconds;

    public static CatalogTombstone For(string offeringId) => new()
    {
        Id = CatalogDocument.IdFor(offeringId),
        PartitionKey = offeringId,
        OfferingId = offeringId,
    };
}
