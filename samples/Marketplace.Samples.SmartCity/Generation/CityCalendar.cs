namespace Marketplace.Samples.SmartCity.Generation;

/// <summary>
/// The fixed moment the sample city is anchored on. Nothing reads the clock, so every run of the
/// generator produces the same rows.
/// </summary>
public static class CityCalendar
{
    /// <summary>Japan keeps no daylight saving time, so a fixed offset is exact all year.</summary>
    public static readonly TimeSpan TokyoOffset = TimeSpan.FromHours(9);

    public static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TokyoOffset);

    public static readonly DateOnly StartDate = DateOnly.FromDateTime(Start.DateTime);

    public const int HourlyDays = 30;

    public const int DailyDays = 90;

    public static IEnumerable<DateTimeOffset> Hours(int days)
    {
        for (var hour = 0; hour < days * 24; hour++)
        {
            yield return Start.AddHours(hour);
        }
    }

    public static IEnumerable<DateOnly> Days(int days)
    {
        for (var day = 0; day < days; day++)
        {
            yield return StartDate.AddDays(day);
        }
    }

    public static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
