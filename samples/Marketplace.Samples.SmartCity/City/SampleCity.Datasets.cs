using Marketplace.Samples.SmartCity.Generation;
using Marketplace.Samples.SmartCity.Tables;

namespace Marketplace.Samples.SmartCity.City;

public static partial class SampleCity
{
    private const string OpenLicence = "CC-BY-4.0";
    private const string ClosedLicence = "proprietary";

    private static readonly DateTimeOffset Start = CityCalendar.Start;

    public static IReadOnlyList<SampleDataset> Datasets { get; } =
    [
        new(
            Id: "bus-stops",
            ProviderId: "city-of-minato-mirai",
            Class: DatasetClass.Public,
            Title: "市営バス停留所一覧 / City bus stops",
            Description: "港未来市営バスの全停留所の位置、所在区、車椅子対応の有無。"
                + " Every stop of the Minato-Mirai city bus: position (WGS 84), ward and wheelchair access.",
            Keywords: ["バス停", "公共交通", "bus stops", "public transport", "accessibility"],
            Themes: ["TRAN"],
            Licence: OpenLicence,
            TemporalStart: Start,
            TemporalEnd: null,
            UpdateFrequency: "monthly",
            Format: RowFormat.Csv,
            Table: Table.For(BusStops.Generate)
                .Column("stop_id", FieldType.String, s => s.StopId)
                .Column("name", FieldType.String, s => s.Name)
                .Column("lat", FieldType.Number, s => s.Latitude)
                .Column("lon", FieldType.Number, s => s.Longitude)
                .Column("district", FieldType.String, s => s.District)
                .Column("wheelchair_accessible", FieldType.Boolean, s => s.WheelchairAccessible)),
        new(
            Id: "air-quality-hourly",
            ProviderId: "city-of-minato-mirai",
            Class: DatasetClass.Public,
            Title: "大気環境 時間値 / Hourly air quality",
            Description: "市内10か所の測定局の時間値: PM2.5 (µg/m³)、二酸化窒素 NO₂ (ppm)、光化学オキシダント Ox (ppm)。"
                + " Hourly readings of the city's ten monitoring stations: PM2.5 (µg/m³), NO₂ (ppm) and photochemical oxidants (ppm).",
            Keywords: ["大気汚染", "PM2.5", "air quality", "NO2", "oxidants"],
            Themes: ["ENVI", "HEAL"],
            Licence: OpenLicence,
            TemporalStart: Start,
            TemporalEnd: Start.AddDays(CityCalendar.HourlyDays),
            UpdateFrequency: "hourly",
            Format: RowFormat.JsonLines,
            Table: Table.For(AirQuality.Generate)
                .Column("station_id", FieldType.String, r => r.StationId)
                .Column("observed_at", FieldType.Datetime, r => r.ObservedAt)
                .Column("pm25", FieldType.Number, r => r.Pm25)
                .Column("no2", FieldType.Number, r => r.No2)
                .Column("ox", FieldType.Number, r => r.Ox)),
        new(
            Id: "population-by-district",
            ProviderId: "city-of-minato-mirai",
            Class: DatasetClass.Public,
            Title: "区別・年齢別人口 / Population by ward and age",
            Description: "住民基本台帳による12区の5歳階級別・男女別人口。"
                + " Residents of the twelve wards by five-year age band and sex, from the resident register.",
            Keywords: ["人口", "住民基本台帳", "population", "demographics", "ageing"],
            Themes: ["SOCI", "REGI"],
            Licence: OpenLicence,
            TemporalStart: Start,
            TemporalEnd: Start,
            UpdateFrequency: "monthly",
            Format: RowFormat.Csv,
            Table: Table.For(Population.Generate)
                .Column("district", FieldType.String, p => p.District)
                .Column("age_band", FieldType.String, p => p.AgeBand)
                .Column("male", FieldType.Integer, p => p.Male)
                .Column("female", FieldType.Integer, p => p.Female)
                .Column("as_of", FieldType.Date, p => p.AsOf)),
        new(
            Id: "station-entries-hourly",
            ProviderId: "minato-rail",
            Class: DatasetClass.Private,
            Title: "駅別・時間帯別 乗降人員 / Station entries and exits by hour",
            Description: "みなと鉄道全20駅の改札通過人数(入場・出場)の時間値。"
                + " Ticket-gate entries and exits at all 20 Minato Rail stations, per hour.",
            Keywords: ["乗降客数", "鉄道", "ridership", "rail", "mobility"],
            Themes: ["TRAN"],
            Licence: ClosedLicence,
            TemporalStart: Start,
            TemporalEnd: Start.AddDays(CityCalendar.HourlyDays),
            UpdateFrequency: "hourly",
            Format: RowFormat.JsonLines,
            Table: Table.For(StationEntries.Generate)
                .Column("station_id", FieldType.String, s => s.StationId)
                .Column("station_name", FieldType.String, s => s.StationName)
                .Column("hour", FieldType.Datetime, s => s.Hour)
                .Column("entries", FieldType.Integer, s => s.Entries)
                .Column("exits", FieldType.Integer, s => s.Exits)),
        new(
            Id: "retail-footfall-daily",
            ProviderId: "harbor-retail",
            Class: DatasetClass.Private,
            Title: "店舗別 来店客数 日次 / Store footfall by day",
            Description: "ハーバーリテール15店舗の日別来店客数と平均滞在時間(分)。"
                + " Daily visitors and average dwell time (minutes) at Harbor Retail's 15 stores.",
            Keywords: ["来店客数", "商業", "footfall", "retail", "dwell time"],
            Themes: ["ECON"],
            Licence: ClosedLicence,
            TemporalStart: Start,
            TemporalEnd: Start.AddDays(CityCalendar.DailyDays),
            UpdateFrequency: "daily",
            Format: RowFormat.Csv,
            Table: Table.For(RetailFootfall.Generate)
                .Column("store_id", FieldType.String, s => s.StoreId)
                .Column("date", FieldType.Date, s => s.Date)
                .Column("visitors", FieldType.Integer, s => s.Visitors)
                .Column("dwell_minutes_avg", FieldType.Number, s => s.DwellMinutesAvg)),
        new(
            Id: "health-checks",
            ProviderId: "minato-infobank",
            Class: DatasetClass.Personal,
            Title: "特定健診結果 / Annual health check results",
            Description: "本人同意に基づき情報銀行が預かる市民1,000人の健診結果(仮名化ID)。"
                + " Check-up results of 1,000 residents who entrusted them to the information bank, under pseudonymous ids and their consent.",
            Keywords: ["健康診断", "情報銀行", "health check", "personal data", "HbA1c"],
            Themes: ["HEAL"],
            Licence: ClosedLicence,
            TemporalStart: Start,
            TemporalEnd: Start.AddDays(CityCalendar.DailyDays),
            UpdateFrequency: "annual",
            Format: RowFormat.JsonLines,
            Table: Table.For(HealthChecks.Generate)
                .Column("subject_id", FieldType.String, h => h.SubjectId)
                .Column("checked_on", FieldType.Date, h => h.CheckedOn)
                .Column("age", FieldType.Integer, h => h.Age)
                .Column("sex", FieldType.String, h => h.Sex)
                .Column("height_cm", FieldType.Number, h => h.HeightCm)
                .Column("weight_kg", FieldType.Number, h => h.WeightKg)
                .Column("systolic_bp", FieldType.Integer, h => h.SystolicBp)
                .Column("diastolic_bp", FieldType.Integer, h => h.DiastolicBp)
                .Column("hba1c", FieldType.Number, h => h.Hba1c),
            SubjectField: "subject_id",
            // Health check results are sensitive personal information under the APPI (要配慮個人情報): only under explicit consent.
            PersonalCategory: "health",
            SensitiveFields: ["height_cm", "weight_kg", "systolic_bp", "diastolic_bp", "hba1c"]),
        new(
            Id: "journeys",
            ProviderId: "minato-infobank",
            Class: DatasetClass.Personal,
            Title: "市民の移動 (トリップ) / Residents' journeys",
            Description: "本人同意に基づき情報銀行が預かる市民800人の1週間のトリップ(出発地区・到着地区・交通手段・時間帯・所要分)。"
                + " A week of trips of 800 residents who entrusted their mobility data to the information bank: origin and destination districts, mode, time band and minutes.",
            Keywords: ["移動", "OD", "情報銀行", "journeys", "mobility", "personal data"],
            Themes: ["TRAN"],
            Licence: ClosedLicence,
            TemporalStart: Start,
            TemporalEnd: Start.AddDays(7),
            UpdateFrequency: "weekly",
            Format: RowFormat.JsonLines,
            Table: Table.For(Journeys.Generate)
                .Column("subject_id", FieldType.String, j => j.SubjectId)
                .Column("origin_district", FieldType.String, j => j.Origin)
                .Column("destination_district", FieldType.String, j => j.Destination)
                .Column("mode", FieldType.String, j => j.Mode)
                .Column("time_band", FieldType.String, j => j.TimeBand)
                .Column("duration_minutes", FieldType.Integer, j => j.DurationMinutes),
            SubjectField: "subject_id",
            // Trips are mobility data, none of it sensitive personal information (要配慮個人情報).
            PersonalCategory: "mobility"),
    ];
}
