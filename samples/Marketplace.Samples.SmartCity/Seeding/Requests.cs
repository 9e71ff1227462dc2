using Marketplace.Samples.SmartCity.City;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>Turns the sample city's plan into the API's request bodies.</summary>
internal static class Requests
{
    public static CreateDatasetRequest Dataset(SampleDataset dataset, string publisher) => new(
        Id: dataset.Id,
        Class: dataset.Class,
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
        Schema: new DatasetSchema(dataset.Table.Fields, dataset.SubjectField));

    public static CreateOfferingRequest Offering(SampleOffering offering) => new(
        Id: offering.Id,
        DatasetId: offering.DatasetId,
        Title: offering.Title,
        Description: offering.Description,
        Pricing: new OfferingPricing(
            Model: offering.Pricing.Model,
            Currency: SamplePricing.Currency,
            Amount: offering.Pricing.Amount,
            Unit: offering.Pricing.Unit,
            UnitBlock: offering.Pricing.UnitBlock,
            IncludedUnits: 0,
            Tiers: []),
        Policy: new OfferingPolicy(
            Purposes: offering.Purposes,
            EndsAt: null,
            TermDays: null,
            MaxUnitsPerPeriod: offering.MaxUnitsPerPeriod,
            RedistributionProhibited: offering.RedistributionProhibited),
        Visibility: OfferingVisibility.Public,
        Buyers: [],
        Approval: offering.ProviderApproves ? OfferingApproval.Provider : OfferingApproval.Automatic);
}
