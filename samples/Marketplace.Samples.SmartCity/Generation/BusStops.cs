using Bogus;

namespace Marketplace.Samples.SmartCity.Generation;

public sealed record BusStop(
    string StopId, string Name, decimal Latitude, decimal Longitude, string District, bool WheelchairAccessible);

/// <summary>The city bus network: 25 stops in each of the twelve wards, named the way Japanese stops are.</summary>
public static class BusStops
{
    public const int PerDistrict = 25;

    private const int Seed = 2026_01;

    // Place-name suffixes: a stop is usually "<ward><landmark>", e.g. 山手三丁目 or 本牧市民病院前.
    private static readonly string[] Landmarks =
    [
        "一丁目", "二丁目", "三丁目", "四丁目", "五丁目", "駅前", "駅東口", "駅西口", "公園前", "小学校前",
        "中学校前", "高校前", "郵便局前", "団地", "団地入口", "交番前", "神社前", "市民病院前", "図書館前",
        "消防署前", "商店街", "橋", "坂上", "坂下", "車庫前", "保育園前", "体育館前", "区役所前", "市場前",
        "港湾会館前", "地区センター前", "ふ頭入口", "中央", "北", "南",
    ];

    private static readonly string[] FamilyBusinesses = ["医院前", "歯科前", "商店前", "工務店前"];

    public static int Count => PerDistrict * District.All.Count;

    public static IEnumerable<BusStop> Generate()
    {
        // The ja locale supplies the family names of the clinics and shops some stops are named after.
        var faker = new Faker("ja") { Random = new Randomizer(Seed) };
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var district in District.All)
        {
            var landmarks = new Queue<string>(faker.Random.Shuffle(Landmarks));
            for (var i = 0; i < PerDistrict; i++)
            {
                var name = faker.Random.Bool(0.15f)
                    ? faker.Name.LastName() + faker.Random.ArrayElement(FamilyBusinesses)
                    : district.Name + landmarks.Dequeue();
                while (!taken.Add(name))
                {
                    name = district.Name + landmarks.Dequeue();
                }

                yield return new BusStop(
                    StopId: $"BS{++number:D4}",
                    Name: name,
                    Latitude: Decimals.Round(faker.Random.Normal(district.Latitude, 0.0035), 6),
                    Longitude: Decimals.Round(faker.Random.Normal(district.Longitude, 0.0045), 6),
                    District: district.Name,
                    WheelchairAccessible: faker.Random.Bool(0.72f));
            }
        }
    }
}
