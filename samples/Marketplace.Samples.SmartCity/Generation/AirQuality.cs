using Bogus;

namespace Marketplace.Samples.SmartCity.Generation;

/// <param name="Pm25">Fine particulate matter, µg/m³.</param>
/// <param name="No2">Nitrogen dioxide, ppm.</param>
/// <param name="Ox">Photochemical oxidants, ppm.</param>
public sealed record AirQualityReading(string StationId, DateTimeOffset ObservedAt, decimal Pm25, decimal No2, decimal Ox);

/// <summary>Hourly readings of the city's air-monitoring stations over <see cref="CityCalendar.HourlyDays"/> days.</summary>
public static class AirQuality
{
    public const int Stations = 10;

    private const int Seed = 2026_02;

    public static int Count => Stations * CityCalendar.HourlyDays * 24;

    public static IEnumerable<AirQualityReading> Generate()
    {
        var random = new Randomizer(Seed);

        // Weather is shared by the whole city: stagnant days raise particulates everywhere at once.
        var stagnation = new double[CityCalendar.HourlyDays];
        var sunshine = new double[CityCalendar.HourlyDays];
        var previous = 1.0;
        for (var day = 0; day < stagnation.Length; day++)
        {
            previous = Math.Clamp((0.55 * previous) + (0.45 * random.Normal(1.0, 0.45)), 0.35, 2.2);
            stagnation[day] = previous;
            sunshine[day] = random.Double(0.3, 1.0);
        }

        for (var station = 1; station <= Stations; station++)
        {
            var particulates = random.Double(7.0, 14.0);
            var roadside = random.Double(0.007, 0.022);
            foreach (var hour in CityCalendar.Hours(CityCalendar.HourlyDays))
            {
                var day = (int)(hour - CityCalendar.Start).TotalDays;
                var traffic = DailyRhythm.Traffic[hour.Hour]
                    * (CityCalendar.IsWeekend(DateOnly.FromDateTime(hour.DateTime)) ? 0.6 : 1.0);

                var pm25 = Math.Max(1.0, (particulates * stagnation[day] * (0.8 + (0.4 * traffic))) + random.Normal(0, 1.4));
                var no2 = Math.Max(0.001, (roadside * (0.45 + traffic) * stagnation[day]) + random.Normal(0, 0.0018));
                var ox = Math.Max(0.002, 0.012 + (0.05 * DailyRhythm.Sunlight[hour.Hour] * sunshine[day])
                    - (0.25 * no2) + random.Normal(0, 0.003));

                yield return new AirQualityReading(
                    StationId: $"AQ{station:D2}",
                    ObservedAt: hour,
                    Pm25: Decimals.Round(pm25, 1),
                    No2: Decimals.Round(no2, 3),
                    Ox: Decimals.Round(ox, 3));
            }
        }
    }
}
