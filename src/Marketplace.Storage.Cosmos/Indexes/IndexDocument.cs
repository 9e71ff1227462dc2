using System.Text.Json.Serialization;

namespace Marketplace.Storage.Cosmos.Indexes;

/// <summary>
/// One entry of an index in the <c>indexes</c> container. <see cref="PartitionKey"/> is the list it belongs
/// to (one provider's datasets, one buyer's contracts, ...), so a party's page is one partition's query;
/// <see cref="SortKey"/> (<see cref="IndexPosition.SortKey"/>) orders it. A contract is written to three
/// lists (its buyer's, its provider's, its offering's); the operator's list of every contract reads the
/// provider copies across partitions.
/// </summary>
internal sealed record IndexDocument
{
    public const string Dataset = "dataset";
    public const string Offering = "offering";
    public const string Party = "party";
    public const string ContractOfBuyer = "contract.buyer";
    public const string ContractOfProvider = "contract.provider";
    public const string ContractOfOffering = "contract.offering";

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public required string Kind { get; init; }

    [JsonPropertyName("k")] public required string SortKey { get; init; }

    [JsonPropertyName("item")] public required string ItemId { get; init; }

    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("providerId")] public string? ProviderId { get; init; }

    [JsonPropertyName("offeringId")] public string? OfferingId { get; init; }

    [JsonPropertyName("buyerId")] public string? BuyerId { get; init; }

    [JsonPropertyName("purpose")] public string? Purpose { get; init; }

    [JsonPropertyName("status")] public string? Status { get; init; }

    [JsonPropertyName("role")] public string? Role { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>The one partition of the party directory: parties are organisations, a few thousand at most.</summary>
    public static string DirectoryPartition => Party;

    public static string PartitionFor(string kind, string owner) => DocumentIds.Join(kind, owner);

    public static IndexDocument ForHolding(string kind, HoldingEntry entry) => new()
    {
        Id = DocumentIds.For("", entry.ItemId),
        PartitionKey = PartitionFor(kind, entry.ProviderId),
        Kind = kind,
        SortKey = entry.Position.SortKey,
        ItemId = entry.ItemId,
        CreatedAt = entry.CreatedAt.ToUniversalTime(),
        ProviderId = entry.ProviderId,
    };

    public static IEnumerable<IndexDocument> ForContract(ContractEntry entry)
    {
        IndexDocument In(string kind, string owner) => new()
        {
            Id = DocumentIds.For("", entry.ContractId),
            PartitionKey = PartitionFor(kind, owner),
            Kind = kind,
            SortKey = entry.Position.SortKey,
            ItemId = entry.ContractId,
            CreatedAt = entry.CreatedAt.ToUniversalTime(),
            ProviderId = entry.ProviderId,
            OfferingId = entry.OfferingId,
            BuyerId = entry.BuyerId,
            Purpose = entry.Purpose,
            Status = entry.Status,
        };

        yield return In(ContractOfBuyer, entry.BuyerId);
        yield return In(ContractOfProvider, entry.ProviderId);
        yield return In(ContractOfOffering, entry.OfferingId);
    }

    public static IndexDocument ForParty(PartyEntry entry) => new()
    {
        Id = DocumentIds.For("", entry.PartyId),
        PartitionKey = DirectoryPartition,
        Kind = Party,
        SortKey = entry.Position.SortKey,
        ItemId = entry.PartyId,
        CreatedAt = entry.CreatedAt.ToUniversalTime(),
        Role = entry.Role,
        Name = entry.Name,
    };

    public HoldingEntry ToHolding() => new(ItemId, ProviderId!, CreatedAt);

    public ContractEntry ToContract() => new(ItemId, OfferingId!, BuyerId!, ProviderId!, Purpose!, Status!, CreatedAt);

    public PartyEntry ToParty() => new(ItemId, Role!, Name!, CreatedAt);
}
