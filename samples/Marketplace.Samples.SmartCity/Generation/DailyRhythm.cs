namespace Marketplace.Samples.SmartCity.Generation;

/// <summary>
/// Shapes of a day, hour 0 to 23, as tables rather than trigonometry so that the output is
/// bit-identical on every platform.
/// </summary>
internal static class DailyRhythm
{
    /// <summary>Road traffic: morning and evening rush, quiet nights.</summary>
    public static readonly double[] Traffic =
    [
        0.10, 0.06, 0.05, 0.05, 0.08, 0.20, 0.45, 0.85, 1.00, 0.80, 0.60, 0.55,
        0.58, 0.55, 0.55, 0.62, 0.75, 0.92, 0.95, 0.70, 0.48, 0.35, 0.25, 0.15,
    ];

    /// <summary>Sunlight, which drives photochemical oxidants in the afternoon.</summary>
    public static readonly double[] Sunlight =
    [
        0.00, 0.00, 0.00, 0.00, 0.00, 0.02, 0.10, 0.25, 0.42, 0.60, 0.75, 0.88,
        0.97, 1.00, 0.94, 0.80, 0.60, 0.38, 0.15, 0.03, 0.00, 0.00, 0.00, 0.00,
    ];

    /// <summary>Weekday commuters entering a station; trains do not run from 1 to 4 o'clock.</summary>
    public static readonly double[] CommuterOutbound =
    [
        0.010, 0.000, 0.000, 0.000, 0.000, 0.030, 0.110, 0.190, 0.160, 0.070, 0.040, 0.035,
        0.035, 0.030, 0.030, 0.032, 0.035, 0.040, 0.038, 0.030, 0.022, 0.018, 0.012, 0.005,
    ];

    /// <summary>Weekday commuters coming home through a station.</summary>
    public static readonly double[] CommuterInbound =
    [
        0.020, 0.000, 0.000, 0.000, 0.000, 0.005, 0.015, 0.030, 0.035, 0.030, 0.028, 0.030,
        0.035, 0.032, 0.032, 0.038, 0.050, 0.110, 0.160, 0.130, 0.090, 0.070, 0.050, 0.030,
    ];

    /// <summary>Weekend and leisure trips: a broad midday hump.</summary>
    public static readonly double[] Leisure =
    [
        0.010, 0.000, 0.000, 0.000, 0.000, 0.008, 0.020, 0.035, 0.055, 0.075, 0.090, 0.095,
        0.095, 0.090, 0.085, 0.080, 0.075, 0.070, 0.060, 0.045, 0.035, 0.025, 0.015, 0.012,
    ];
}
