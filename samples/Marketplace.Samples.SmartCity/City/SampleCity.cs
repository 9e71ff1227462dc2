namespace Marketplace.Samples.SmartCity.City;

/// <summary>
/// Who takes part in the sample city and what they trade. The seeder loads exactly this, in this order.
/// </summary>
public static partial class SampleCity
{
    public const string OperatorKeyVariable = "MARKETPLACE_OPERATOR_KEY";

    public static IReadOnlyList<SampleParty> Parties { get; } =
    [
        new("city-of-minato-mirai", PartyRole.Provider, "港未来市 (City of Minato-Mirai)", "CITY_KEY"),
        new("minato-rail", PartyRole.Provider, "みなと鉄道株式会社 (Minato Rail)", "RAIL_KEY"),
        new("harbor-retail", PartyRole.Provider, "ハーバーリテール株式会社 (Harbor Retail)", "RETAIL_KEY"),
        new("minato-infobank", PartyRole.InformationBank, "みなと情報銀行 (Minato Information Bank)", "INFOBANK_KEY"),
        new("mobility-startup", PartyRole.Buyer, "株式会社モビリティラボ (Mobility Lab)", "MOBILITY_KEY"),
        new("minato-university", PartyRole.Buyer, "港未来大学 (Minato-Mirai University)", "UNIVERSITY_KEY"),
        new("sakura-insurance", PartyRole.Buyer, "さくら生命保険株式会社 (Sakura Insurance)", "INSURER_KEY"),
    ];

    /// <summary>The university's contract needs the rail company's approval; the bus-stop one starts at once.</summary>
    public static IReadOnlyList<SampleSubscription> Subscriptions { get; } =
    [
        new("minato-university", "station-entries-per-record", "research"),
        new("mobility-startup", "bus-stops-open", "service-improvement"),
    ];

    /// <summary>
    /// How the parties are invoiced (fictional registration numbers): the city, the rail company and the information
    /// bank are registered issuers, so invoices on their data are qualified invoices; Harbor Retail is not, so its
    /// are not; Mobility Lab is a service app connected to the city's platform and pays the connection fee.
    /// </summary>
    public static IReadOnlyList<(string PartyId, string? InvoiceRegistration, bool ServiceApp)> Billing { get; } =
    [
        ("city-of-minato-mirai", "T1000000000001", false),
        ("minato-rail", "T2000000000002", false),
        ("minato-infobank", "T3000000000003", false),
        ("mobility-startup", null, true),
    ];

    /// <summary>The addresses providers publish as their datasets' contact point in the open-data catalog.</summary>
    public static IReadOnlyList<(string PartyId, string Email)> Contacts { get; } =
    [
        ("city-of-minato-mirai", "opendata@city.minato-mirai.example"),
        ("minato-rail", "data@minato-rail.example"),
    ];

    public static SampleParty Party(string id) => Parties.Single(p => p.Id == id);

    public static SampleDataset Dataset(string id) => Datasets.Single(d => d.Id == id);

    public static SampleOffering Offering(string id) => Offerings.Single(o => o.Id == id);
}
