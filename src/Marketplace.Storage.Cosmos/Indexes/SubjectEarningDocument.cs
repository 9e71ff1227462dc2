using System.Globalization;
using System.Text.Json.Serialization;

namespace Marketplace.Storage.Cosmos.Indexes;

/// <summary>
/// One person's part of one invoice in the <c>indexes</c> container. <see cref="PartitionKey"/> is the person at their
/// bank, so their list is one partition's query; the id is the invoice's, so a repeated write replaces it.
/// <see cref="SortKey"/> is the period with each digit inverted (9 − d) and then the invoice id, so ascending order
/// is newest period first, then invoice id, without a descending index. Amounts and counts are text: Cosmos holds
/// numbers as doubles, exact only to 2⁵³.
/// </summary>
internal sealed record SubjectEarningDocument
{
    public const string List = "earnings.subject";

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public required string Kind { get; init; }

    [JsonPropertyName("k")] public required string SortKey { get; init; }

    [JsonPropertyName("bankId")] public required string BankId { get; init; }

    [JsonPropertyName("subjectId")] public required string SubjectId { get; init; }

    [JsonPropertyName("invoiceId")] public required string InvoiceId { get; init; }

    [JsonPropertyName("period")] public required string Period { get; init; }

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("buyerId")] public required string BuyerId { get; init; }

    [JsonPropertyName("amount")] public required string Amount { get; init; }

    [JsonPropertyName("currency")] public required string Currency { get; init; }

    [JsonPropertyName("records")] public required string Records { get; init; }

    [JsonPropertyName("counted")] public required string Counted { get; init; }

    public static string PartitionFor(string bankId, string subjectId) => DocumentIds.Join(List, bankId, subjectId);

    /// <summary>The sort key of a (period, invoice): later periods sort first.</summary>
    public static string SortKeyFor(string period, string invoiceId) =>
        string.Concat(period.Select(c => char.IsAsciiDigit(c) ? (char)('9' - c + '0') : c)) + " " + invoiceId;

    public static SubjectEarningDocument For(SubjectEarning e) => new()
    {
        Id = DocumentIds.For("", e.InvoiceId),
        PartitionKey = PartitionFor(e.BankId, e.SubjectId),
        Kind = List,
        SortKey = SortKeyFor(e.Period, e.InvoiceId),
        BankId = e.BankId,
        SubjectId = e.SubjectId,
        InvoiceId = e.InvoiceId,
        Period = e.Period,
        ContractId = e.ContractId,
        BuyerId = e.BuyerId,
        Amount = e.AmountMinor.ToString(CultureInfo.InvariantCulture),
        Currency = e.Currency,
        Records = e.Records.ToString(CultureInfo.InvariantCulture),
        Counted = e.Counted.ToString(CultureInfo.InvariantCulture),
    };

    public SubjectEarning ToEarning() => new(
        BankId, SubjectId, InvoiceId, Period, ContractId, BuyerId, Parse(Amount), Currency, Parse(Records), Parse(Counted));

    private static long Parse(string value) => long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
