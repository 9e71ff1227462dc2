using System.Globalization;
using Marketplace.Domain;

namespace Marketplace.Host.Web;

/// <summary>How the pages write money and dates: yen as "¥30,000", dates in the billing time zone.</summary>
public static class Formats
{
    public static string Money(long minorUnits, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        if (currency == Currency.JPY)
        {
            return string.Create(CultureInfo.InvariantCulture, $"¥{minorUnits:N0}");
        }
        var major = minorUnits / (decimal)Math.Pow(10, currency.MinorUnitDigits);
        return string.Create(CultureInfo.InvariantCulture, $"{currency.Code} {major.ToString("N" + currency.MinorUnitDigits, CultureInfo.InvariantCulture)}");
    }

    /// <summary>The calendar date of <paramref name="instant"/> where the marketplace bills (ISO 8601, the same in both languages).</summary>
    public static string Date(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Date and time of day where the marketplace bills, to the minute (ISO 8601 style, the same in both languages).</summary>
    public static string DateTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
