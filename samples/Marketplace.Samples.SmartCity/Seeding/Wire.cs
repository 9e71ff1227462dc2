using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Samples.SmartCity.City;
using Marketplace.Samples.SmartCity.Tables;

namespace Marketplace.Samples.SmartCity.Seeding;

// The marketplace's HTTP contract as this sample sees it. These records are the sample's own, written from
// the API description rather than shared with the host, so the sample proves the public API is enough.

internal sealed record CreatePartyRequest(string Id, PartyRole Role, string Name);

internal sealed record PartyCreated(string Id, string Role, string Name, string ApiKey);

internal sealed record DatasetList(IReadOnlyList<DatasetSummary> Items);

internal sealed record DatasetSummary(string Id, string Class, string Title);

internal sealed record CreateDatasetRequest(
    string Id,
    DatasetClass Class,
    string Title,
    string Description,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Themes,
    string Publisher,
    string Licence,
    string Spatial,
    DateTimeOffset TemporalStart,
    DateTimeOffset? TemporalEnd,
    string UpdateFrequency,
    string Language,
    DatasetSchema Schema);

internal sealed record DatasetSchema(IReadOnlyList<Field> Fields, string? SubjectField);

internal sealed record DatasetCreated(string Id);

internal sealed record RevisionCreated(string RevisionId, long Records, long Bytes);

internal sealed record CreateOfferingRequest(
    string Id,
    string DatasetId,
    string Title,
    string Description,
    OfferingPricing Pricing,
    OfferingPolicy Policy,
    OfferingVisibility Visibility,
    IReadOnlyList<string> Buyers,
    OfferingApproval Approval);

internal sealed record OfferingPricing(
    PriceModel Model,
    string Currency,
    long Amount,
    PricingUnit? Unit,
    int? UnitBlock,
    long IncludedUnits,
    IReadOnlyList<PriceTier> Tiers);

internal sealed record PriceTier(long UpTo, long UnitPrice);

internal sealed record OfferingPolicy(
    IReadOnlyList<string> Purposes,
    DateTimeOffset? EndsAt,
    int? TermDays,
    long? MaxUnitsPerPeriod,
    bool RedistributionProhibited);

internal enum OfferingVisibility
{
    Public,
    Private,
}

internal enum OfferingApproval
{
    Automatic,
    Provider,
}

internal sealed record OfferingCreated(string Id, string Status);

internal sealed record CreateContractRequest(string Purpose);

internal sealed record ContractView(string Id, string OfferingId, string BuyerId, string ProviderId, string Status, string Purpose)
{
    // The API spells contract states in PascalCase and everything else in lower case; compare leniently.
    public bool Is(string status) => string.Equals(Status, status, StringComparison.OrdinalIgnoreCase);
}

internal sealed record ProblemBody(string? Type, string? Title, int? Status, string? Detail, JsonElement? Errors);

internal static class Wire
{
    /// <summary>camelCase properties, and enums as the API's lower-case, dash-separated words ("per-unit").</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
