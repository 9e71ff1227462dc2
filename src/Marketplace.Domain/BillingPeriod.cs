using System.Globalization;

namespace Marketplace.Domain;

/// <summary>
/// A calendar month in a time zone, e.g. "2026-11" in Asia/Tokyo. <see cref="Start"/> is inclusive and
/// <see cref="End"/> exclusive; both are instants carrying the zone's offset at that moment, so a month in a
/// daylight-saving zone may start and end at different offsets.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.BillingPeriod")]
public sealed record BillingPeriod(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset Start,
    [property: Id(2)] DateTimeOffset End,
    [property: Id(3)] string TimeZoneId)
{
    /// <summary>The city bills in Japan Standard Time.</summary>
    public static TimeZoneInfo DefaultZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    public static BillingPeriod Containing(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return ForMonth(local.Year, local.Month, zone);
    }

    /// <summary>Parses an id such as "2026-11"; throws <see cref="DomainException"/> <c>period.invalid</c> otherwise.</summary>
    public static BillingPeriod Parse(string id, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var trimmed = id?.Trim() ?? "";
        if (!Patterns.PeriodId().IsMatch(trimmed)
            || !DateOnly.TryParseExact(trimmed, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            || month.Year > 9998)
        {
            throw new DomainException(ErrorCodes.PeriodInvalid, $"'{id}' is not a billing period. Use a period like 2026-11.");
        }
        return ForMonth(month.Year, month.Month, zone);
    }

    public BillingPeriod Next() => Containing(End, TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId));

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    private static BillingPeriod ForMonth(int year, int month, TimeZoneInfo zone)
    {
        var first = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return new BillingPeriod(
            first.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            StartOfLocalDay(first, zone),
            StartOfLocalDay(first.AddMonths(1), zone),
            zone.Id);
    }

    /// <summary>The first instant whose local time in <paramref name="zone"/> is <paramref name="midnight"/> or later.</summary>
    private static DateTimeOffset StartOfLocalDay(DateTime midnight, TimeZoneInfo zone)
    {
        // Each offset in force around midnight gives a candidate; keep those that really read as midnight locally
        // and take the earliest (when midnight happens twice, the day starts at the first one). Checking by
        // conversion rather than IsInvalidTime matters: on Linux that misses gaps at rule boundaries.
        DateTimeOffset? start = null;
        foreach (var offset in new[] { midnight.AddHours(-12), midnight, midnight.AddHours(12) }.Select(zone.GetUtcOffset).Distinct())
        {
            var candidate = TimeZoneInfo.ConvertTime(new DateTimeOffset(midnight, offset), zone);
            if (candidate.DateTime == midnight && (start is null || candidate < start))
            {
                start = candidate;
            }
        }
        // No instant reads as midnight: the clocks jumped over it, so the day starts at the jump.
        return start ?? TimeZoneInfo.ConvertTime(new DateTimeOffset(midnight, zone.GetUtcOffset(midnight.AddHours(-12))), zone);
    }
}
