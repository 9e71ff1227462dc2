using System.Globalization;
using System.Text.Json.Serialization;

namespace Marketplace.Storage.Cosmos.Indexes;

/// <summary>
/// One invoice as one of its four lists holds it, in the <c>indexes</c> container: its period's (the operator's
/// view), its buyer's, its provider's and its contract's. <see cref="PartitionKey"/> is the list
/// (<c>invoice.buyer/b-1</c>), so each list's page is one partition's query; every copy carries every field, so
/// a list narrowed by another field filters on the server. <see cref="Total"/> is text because Cosmos holds
/// numbers as doubles, exact only to 2⁵³ minor units.
/// </summary>
internal sealed record InvoiceDocument
{
    public const string OfPeriod = "invoice.period";
    public const string OfBuyer = "invoice.buyer";
    public const string OfProvider = "invoice.provider";
    public const string OfContract = "invoice.contract";

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public required string List { get; init; }

    [JsonPropertyName("k")] public required string SortKey { get; init; }

    [JsonPropertyName("item")] public required string InvoiceId { get; init; }

    [JsonPropertyName("invoiceKind")] public required string InvoiceKind { get; init; }

    [JsonPropertyName("period")] public required string Period { get; init; }

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("buyerId")] public required string BuyerId { get; init; }

    [JsonPropertyName("providerId")] public required string ProviderId { get; init; }

    [JsonPropertyName("status")] public required string Status { get; init; }

    [JsonPropertyName("total")] public required string Total { get; init; }

    [JsonPropertyName("currency")] public required string Currency { get; init; }

    [JsonPropertyName("issuedAt")] public required DateTimeOffset IssuedAt { get; init; }

    public static string PartitionFor(string list, string owner) => DocumentIds.Join(list, owner);

    /// <summary>The invoice's copy in each of its four lists, all with the same content.</summary>
    public static IEnumerable<InvoiceDocument> For(InvoiceEntry entry)
    {
        InvoiceDocument In(string list, string owner) => new()
        {
            Id = DocumentIds.For("", entry.InvoiceId),
            PartitionKey = PartitionFor(list, owner),
            List = list,
            SortKey = entry.Position.SortKey,
            InvoiceId = entry.InvoiceId,
            InvoiceKind = entry.Kind,
            Period = entry.Period,
            ContractId = entry.ContractId,
            BuyerId = entry.BuyerId,
            ProviderId = entry.ProviderId,
            Status = entry.Status,
            Total = entry.TotalMinor.ToString(CultureInfo.InvariantCulture),
            Currency = entry.Currency,
            IssuedAt = entry.IssuedAt.ToUniversalTime(),
        };

        yield return In(OfPeriod, entry.Period);
        yield return In(OfBuyer, entry.BuyerId);
        yield return In(OfProvider, entry.ProviderId);
        yield return In(OfContract, entry.ContractId);
    }

    public InvoiceEntry ToEntry() => new(
        InvoiceId, InvoiceKind, Period, ContractId, BuyerId, ProviderId, Status,
        long.Parse(Total, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), Currency, IssuedAt);
}
