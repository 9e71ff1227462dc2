namespace Marketplace.Domain;

/// <summary>
/// Apportions a whole number of minor units in proportion to weights by the largest-remainder method: each part
/// gets the whole units of its exact share, and the units left over go one each to the largest fractions (ties to
/// the earlier weight). The parts add up to the total exactly and each is within one unit of its exact share.
/// </summary>
public static class LargestRemainder
{
    /// <summary>
    /// The parts of <paramref name="totalMinor"/>, one per weight, in the same order. A negative total is apportioned
    /// as its absolute value and negated. Every weight must be non-negative and at least one positive.
    /// </summary>
    public static long[] Apportion(long totalMinor, IReadOnlyList<Int128> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Int128 sum = 0;
        foreach (var weight in weights)
        {
            if (weight < 0)
            {
                throw new ArgumentException("A weight cannot be negative.", nameof(weights));
            }
            sum = checked(sum + weight);
        }
        if (sum == 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }

        var sign = totalMinor < 0 ? -1 : 1;
        Int128 total = totalMinor < 0 ? -(Int128)totalMinor : totalMinor;
        var whole = new Int128[weights.Count];
        var remainders = new Int128[weights.Count];
        Int128 assigned = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = checked(total * weights[i]);
            whole[i] = exact / sum;
            remainders[i] = exact % sum;
            assigned += whole[i];
        }
        var leftover = (int)(total - assigned); // fewer than the number of weights
        if (leftover > 0)
        {
            var order = new int[weights.Count];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
            // Largest fraction first; equal fractions in the order given.
            Array.Sort(order, (a, b) => remainders[a] != remainders[b] ? remainders[b].CompareTo(remainders[a]) : a.CompareTo(b));
            for (var k = 0; k < leftover; k++)
            {
                whole[order[k]]++;
            }
        }
        var parts = new long[weights.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = sign * checked((long)whole[i]);
        }
        return parts;
    }
}
