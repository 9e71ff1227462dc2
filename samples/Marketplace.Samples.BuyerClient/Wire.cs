using System.Text.Json;

namespace Marketplace.Samples.BuyerClient;

// The slice of the marketplace's HTTP contract a buyer needs, written from the API description.

internal sealed record CatalogPage(IReadOnlyList<CatalogItem> Items, int Total, int Page, int PageSize);

internal sealed record CatalogItem(
    string OfferingId,
    string DatasetId,
    string ProviderId,
    string ProviderName,
    string Title,
    string? PriceSummary,
    bool IsFree);

internal sealed record ContractList(IReadOnlyList<ContractView> Items);

internal sealed record CreateContractRequest(string Purpose);

internal sealed record ContractView(string Id, string OfferingId, string Status, string Purpose)
{
    // The API spells contract states in PascalCase; compare leniently all the same.
    public bool Is(string status) => string.Equals(Status, status, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Records stay raw JSON: the buyer only counts them, and their shape is the dataset's own.</summary>
internal sealed record RecordsPage(IReadOnlyList<JsonElement> Records, string? NextCursor);

internal sealed record UsageReport(string Period, IReadOnlyList<UsageItem> Items);

internal sealed record UsageItem(string ContractId, string OfferingId, long Units, long Events, string? Unit, Charge? Charge);

internal sealed record Charge(long MinorUnits, string Currency);

internal sealed record ProblemBody(string? Type, string? Title, int? Status, string? Detail, JsonElement? Errors);

internal static class Wire
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
