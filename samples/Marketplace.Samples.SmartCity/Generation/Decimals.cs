namespace Marketplace.Samples.SmartCity.Generation;

internal static class Decimals
{
    /// <summary>Measurements are published at instrument precision, and as decimals so "12.3" never prints as 12.299999.</summary>
    public static decimal Round(double value, int decimals) =>
        Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero);
}
