namespace Marketplace.Storage.Cosmos.Records;

/// <summary>
/// A revision's buckets as ascending, disjoint runs <c>[first, last]</c>: a revision's sequences only grow, so its
/// buckets are one run (a few with sparse sequences), and the header stays a few bytes however many buckets it has.
/// </summary>
internal static class BucketRuns
{
    /// <summary>The runs with <paramref name="first"/>..<paramref name="last"/> added, merged where they touch.</summary>
    public static long[][] With(long[][] runs, long first, long last)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, last);
        var merged = new List<long[]>(runs.Length + 1);
        foreach (var run in runs.Append([first, last]).OrderBy(r => r[0]))
        {
            if (merged.Count > 0 && (merged[^1][1] == long.MaxValue || run[0] <= merged[^1][1] + 1))
            {
                merged[^1] = [merged[^1][0], Math.Max(merged[^1][1], run[1])];
            }
            else
            {
                merged.Add([run[0], run[1]]);
            }
        }

        return [.. merged];
    }

    /// <summary>Whether every bucket from <paramref name="first"/> to <paramref name="last"/> is in the runs.</summary>
    public static bool Covers(long[][] runs, long first, long last) => runs.Any(r => r[0] <= first && last <= r[1]);

    /// <summary>The buckets of the runs between <paramref name="from"/> and <paramref name="to"/>, ascending.</summary>
    public static IEnumerable<long> Within(long[][] runs, long from, long to)
    {
        foreach (var run in runs)
        {
            for (var bucket = Math.Max(run[0], from); bucket <= Math.Min(run[1], to); bucket++)
            {
                yield return bucket;
                if (bucket == long.MaxValue)
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>Every bucket of the runs, ascending.</summary>
    public static IEnumerable<long> All(long[][] runs) => Within(runs, long.MinValue, long.MaxValue);
}
