using Bogus;

namespace Marketplace.Samples.SmartCity.Generation;

public sealed record StoreDay(string StoreId, DateOnly Date, int Visitors, decimal DwellMinutesAvg);

/// <summary>Daily door counts of Harbor Retail's stores over <see cref="CityCalendar.DailyDays"/> days.</summary>
public static class RetailFootfall
{
    public const int Stores = 15;

    private const int Seed = 2026_05;

    public static int Count => Stores * CityCalendar.DailyDays;

    public static IEnumerable<StoreDay> Generate()
    {
        var random = new Randomizer(Seed);
        for (var store = 1; store <= Stores; store++)
        {
            var weekdayVisitors = random.Int(700, 6_000);
            var weekendLift = random.Double(1.05, 1.6);
            var dwell = random.Double(16, 42);
            foreach (var date in CityCalendar.Days(CityCalendar.DailyDays))
            {
                var weekend = CityCalendar.IsWeekend(date);
                // December trade builds up towards the year end.
                var season = date.Month == 12 ? 1 + (date.Day / 100.0) : 1.0;
                var visitors = weekdayVisitors * (weekend ? weekendLift : 1.0) * season * random.Normal(1.0, 0.07);
                var minutes = dwell * (weekend ? 1.15 : 1.0) + random.Normal(0, 1.5);

                yield return new StoreDay(
                    StoreId: $"HR-{store:D3}",
                    Date: date,
                    Visitors: (int)Math.Round(Math.Max(0, visitors)),
                    DwellMinutesAvg: Decimals.Round(Math.Max(3, minutes), 1));
            }
        }
    }
}
