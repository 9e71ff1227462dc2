namespace Marketplace.Samples.SmartCity.City;

public static partial class SampleCity
{
    // Open data may be used for anything; listing every purpose the sample uses keeps that true whether or not
    // the marketplace reads an empty list as "any purpose".
    private static readonly string[] AnyPurpose =
        ["research", "service-improvement", "urban-planning", "academic-research", "public-health"];

    public static IReadOnlyList<SampleOffering> Offerings { get; } =
    [
        Open("bus-stops", "市営バス停留所一覧 (オープンデータ) / City bus stops (open data)"),
        Open("air-quality-hourly", "大気環境 時間値 (オープンデータ) / Hourly air quality (open data)"),
        Open("population-by-district", "区別・年齢別人口 (オープンデータ) / Population by ward and age (open data)"),
        new(
            Id: "station-entries-per-record",
            DatasetId: "station-entries-hourly",
            Title: "駅別乗降人員 従量課金 / Station entries, pay per record",
            Description: "10レコードあたり1円。研究・サービス改善・都市計画に限る。"
                + " ¥1 per 10 records, for research, service improvement and urban planning; 100,000 records a month at most.",
            Pricing: SamplePricing.PerRecords(yen: 1, records: 10),
            Purposes: ["research", "service-improvement", "urban-planning"],
            MaxUnitsPerPeriod: 100_000,
            RedistributionProhibited: true,
            ProviderApproves: true),
        new(
            Id: "retail-footfall-monthly",
            DatasetId: "retail-footfall-daily",
            Title: "店舗来店客数 月額定額 / Store footfall, monthly subscription",
            Description: "月額30,000円で全店舗の日次来店データを利用可能。"
                + " All stores' daily footfall for a flat ¥30,000 a month, for research and urban planning.",
            Pricing: SamplePricing.Monthly(yen: 30_000),
            Purposes: ["research", "urban-planning"],
            MaxUnitsPerPeriod: null,
            RedistributionProhibited: true,
            ProviderApproves: false),
        new(
            Id: "health-checks-per-record",
            DatasetId: "health-checks",
            Title: "健診結果 (本人同意済み) 従量課金 / Health checks with consent, pay per record",
            Description: "1レコード5円。学術研究・公衆衛生目的のみ、情報銀行の審査あり。"
                + " ¥5 per record, for academic research and public health only, after review by the information bank.",
            Pricing: SamplePricing.PerRecords(yen: 5, records: 1),
            Purposes: ["academic-research", "public-health-research"],
            MaxUnitsPerPeriod: null,
            RedistributionProhibited: true,
            ProviderApproves: true),
    ];

    private static SampleOffering Open(string datasetId, string title) => new(
        Id: datasetId + "-open",
        DatasetId: datasetId,
        Title: title,
        Description: "CC BY 4.0 で無償公開。出典「港未来市」を表示してください。"
            + " Free under CC BY 4.0; credit \"City of Minato-Mirai\".",
        Pricing: SamplePricing.Free,
        Purposes: AnyPurpose,
        MaxUnitsPerPeriod: null,
        RedistributionProhibited: false,
        ProviderApproves: false);
}
