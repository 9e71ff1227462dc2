using System.Text.Json;
using Marketplace.Client;
using Marketplace.Samples.SmartCity.City;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>Turns the sample city's plan into the API's request bodies.</summary>
internal static class Requests
{
    public static CreateDatasetRequest Dataset(SampleDataset dataset, string publisher) => new(
        Id: dataset.Id,
        Class: WireName(dataset.Class),
        Title: dataset.Title,
        Description: dataset.Description,
        Keywords: dataset.Keywords,
        Themes: dataset.Themes,
        Publisher: publisher,
        Licence: dataset.Licence,
        Spatial: SampleDataset.Spatial,
        TemporalStart: dataset.TemporalStart,
        TemporalEnd: dataset.TemporalEnd,
        UpdateFrequency: dataset.UpdateFrequency,
        Language: SampleDataset.Language,
        Schema: new DatasetSchema(
            [.. dataset.Table.Fields.Select(f => new SchemaField(f.Name, WireName(f.Type), f.Required))],
            dataset.SubjectField),
        Personal: dataset.PersonalCategory is { } category
            ? new PersonalData(category, [.. dataset.Table.Fields.Where(f => f.Name != dataset.SubjectField)
                .Select(f => new PersonalDataItem(f.Name, dataset.SensitiveFields?.Contains(f.Name) == true))])
            : null,
        SpatialIri: SampleDataset.PlaceIri,
        Bbox: SampleDataset.BoundingBox);

    public static CreateOfferingRequest Offering(SampleOffering offering) => new(
        Id: offering.Id,
        DatasetId: offering.DatasetId,
        Title: offering.Title,
        Description: offering.Description,
        Pricing: PricingOf(offering.Pricing),
        Policy: new UsagePolicy(
            Purposes: offering.Purposes,
            EndsAt: null,
            TermDays: null,
            MaxUnitsPerPeriod: offering.MaxUnitsPerPeriod,
            RedistributionProhibited: offering.RedistributionProhibited,
            Aggregates: offering.Aggregates is { } a ? new AggregatePolicy(a.Dimensions, a.Measures, a.K, a.RoundingStep, a.AggregateOnly) : null),
        Visibility: "public",
        Buyers: [],
        Approval: Approval(offering),
        PurposePrices: offering.PurposePrices is { } prices ? [.. prices.Select(p => new PurposePrice(p.Purpose, PricingOf(p.Pricing)))] : null);

    private static Pricing PricingOf(SamplePricing pricing) => new(
        Model: WireName(pricing.Model),
        Currency: SamplePricing.Currency,
        Amount: pricing.Amount,
        Unit: pricing.Unit is { } unit ? WireName(unit) : null,
        UnitBlock: pricing.UnitBlock,
        IncludedUnits: 0,
        Tiers: []);

    public static string Approval(SampleOffering offering) => offering.ProviderApproves ? "provider" : "automatic";

    /// <summary>The API's spelling of an enum value: lower-case words joined by dashes ("per-unit").</summary>
    public static string WireName<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
