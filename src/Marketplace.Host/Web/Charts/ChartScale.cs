using System.Globalization;

namespace Marketplace.Host.Web.Charts;

/// <summary>A bar of a category chart: its label (any text; escaped when rendered) and its integer value.</summary>
public sealed record ChartBar(string Label, long Value);

/// <summary>A billing day's value in a daily chart.</summary>
public sealed record ChartDay(DateOnly Day, long Value);

/// <summary>
/// The arithmetic of the charts. Values are integers up to <see cref="long.MaxValue"/>; axes are computed in
/// <see cref="decimal"/> (exact, no overflow: 10^19 fits) and only the final geometry in <see cref="double"/>,
/// always divided by an axis maximum of at least 1, so no NaN or Infinity can reach the SVG.
/// </summary>
public static class ChartScale
{
    /// <summary>About how many steps the value axis is divided into.</summary>
    public const int Steps = 4;

    /// <summary>
    /// The value axis for a largest value: ticks from 0 in steps of 1, 2 or 5 times a power of ten, the last at
    /// or above <paramref name="max"/> (negative values count as 0; an empty or all-zero chart gets 0 and 1).
    /// </summary>
    public static IReadOnlyList<decimal> Ticks(long max)
    {
        var top = Math.Max(1m, max);
        var raw = top / Steps;
        var power = 1m;
        while (power * 10 <= raw)
        {
            power *= 10;
        }
        var step = new[] { power, 2 * power, 5 * power, 10 * power }.First(s => s >= raw);
        var count = (int)Math.Ceiling(top / step);
        return [.. Enumerable.Range(0, count + 1).Select(i => i * step)];
    }

    /// <summary>The share of <paramref name="axisMax"/> a value takes, from 0 to 1.</summary>
    public static double Fraction(long value, decimal axisMax) =>
        value <= 0 || axisMax <= 0 ? 0 : (double)Math.Min(1m, value / axisMax);

    /// <summary>A coordinate as SVG text: invariant, at most two decimals.</summary>
    public static string Coordinate(double value) =>
        double.IsFinite(value) ? Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    /// <summary>A tick's label, short enough for a narrow axis: 9,999, then 10k, 2.5M, 4G, 6E (SI prefixes).</summary>
    public static string Compact(decimal value)
    {
        if (value < 10_000)
        {
            return value.ToString("#,0", CultureInfo.InvariantCulture);
        }
        ReadOnlySpan<(decimal Unit, string Suffix)> units = [(1e18m, "E"), (1e15m, "P"), (1e12m, "T"), (1e9m, "G"), (1e6m, "M"), (1e3m, "k")];
        foreach (var (unit, suffix) in units)
        {
            if (value >= unit)
            {
                return (value / unit).ToString("0.#", CultureInfo.InvariantCulture) + suffix;
            }
        }
        return value.ToString("#,0", CultureInfo.InvariantCulture);
    }

    /// <summary>A label cut to <paramref name="max"/> text elements with an ellipsis; the full label stays in the table.</summary>
    public static string Shorten(string label, int max)
    {
        ArgumentNullException.ThrowIfNull(label);
        var info = new StringInfo(label);
        return info.LengthInTextElements <= max ? label : info.SubstringByTextElements(0, max - 1) + "…";
    }

    /// <summary>The default value format: the integer with thousands separators.</summary>
    public static string Integer(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
