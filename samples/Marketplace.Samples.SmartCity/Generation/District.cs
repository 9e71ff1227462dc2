namespace Marketplace.Samples.SmartCity.Generation;

/// <summary>One of the twelve wards of 港未来市, with where it lies and who lives there.</summary>
/// <param name="Residents">The ward's population on <see cref="CityCalendar.StartDate"/>, before the age split.</param>
/// <param name="Ageing">How much older than the city average its residents are; 1 is average.</param>
public sealed record District(string Name, string Romaji, double Latitude, double Longitude, int Residents, double Ageing)
{
    /// <summary>A fictional city laid over the Yokohama waterfront, harbour-side wards first.</summary>
    public static IReadOnlyList<District> All { get; } =
    [
        new("みなと中央", "Minato-Chuo", 35.4560, 139.6320, 42_000, 0.80),
        new("新港", "Shinko", 35.4530, 139.6400, 18_000, 0.70),
        new("海岸通", "Kaigandori", 35.4480, 139.6420, 21_000, 0.90),
        new("日ノ出", "Hinode", 35.4470, 139.6290, 33_000, 1.05),
        new("北仲", "Kitanaka", 35.4520, 139.6370, 26_000, 0.85),
        new("山手", "Yamate", 35.4390, 139.6500, 37_000, 1.30),
        new("本牧", "Honmoku", 35.4210, 139.6600, 51_000, 1.20),
        new("桜ヶ丘", "Sakuragaoka", 35.4620, 139.6180, 58_000, 1.00),
        new("汐見台", "Shiomidai", 35.4080, 139.6450, 44_000, 1.45),
        new("緑ヶ丘", "Midorigaoka", 35.4700, 139.6050, 61_000, 0.95),
        new("青葉", "Aoba", 35.4780, 139.6150, 55_000, 0.75),
        new("若葉台", "Wakabadai", 35.4850, 139.5980, 39_000, 1.35),
    ];
}
