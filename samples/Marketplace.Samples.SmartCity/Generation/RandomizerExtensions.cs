using Bogus;

namespace Marketplace.Samples.SmartCity.Generation;

internal static class RandomizerExtensions
{
    /// <summary>
    /// An approximately normal draw (Irwin–Hall: twelve uniforms). It uses only addition, so unlike
    /// Box–Muller's log and cosine it gives bit-identical results on every CPU and runtime.
    /// </summary>
    public static double Normal(this Randomizer random, double mean, double standardDeviation)
    {
        var sum = 0.0;
        for (var i = 0; i < 12; i++)
        {
            sum += random.Double();
        }

        return mean + ((sum - 6.0) * standardDeviation);
    }
}
