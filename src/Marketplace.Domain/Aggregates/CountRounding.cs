using System.Globalization;

namespace Marketplace.Domain;

/// <summary>
/// How a group's count of distinct people is published: a group of fewer than <see cref="K"/> people is suppressed; a
/// kept group's count is rounded to the nearest multiple of <see cref="Step"/> (halves up: with step 10, 15 is 20 and
/// 14 is 10), and never below the smallest multiple of the step that is at least k, so a published count is never
/// under k nor 0 (with k 10 and step 50 every kept group from 10 to 74 people is published as 50). Step 1 publishes
/// exact counts.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.CountRounding")]
public sealed record CountRounding([property: Id(0)] int K, [property: Id(1)] int Step)
{
    /// <summary>The least count a kept group is published with: the smallest multiple of the step that is at least k.</summary>
    public long Floor => checked((K + (long)Step - 1) / Step * Step);

    public bool Keeps(long people) => people >= K;

    /// <summary>The count published for a kept group of <paramref name="people"/> distinct people.</summary>
    public long Publish(long people)
    {
        if (!Keeps(people))
        {
            throw new ArgumentOutOfRangeException(nameof(people), people,
                string.Create(CultureInfo.InvariantCulture, $"A group of fewer than {K} people is suppressed, never published."));
        }
        var nearest = checked((people + Step / 2) / Step * Step);
        return Math.Max(nearest, Floor);
    }

    /// <summary>The rule in words, for the answer and the offering's page.</summary>
    public string Describe() => Step == 1
        ? string.Create(CultureInfo.InvariantCulture, $"Groups of fewer than {K} people are suppressed; counts are exact.")
        : string.Create(CultureInfo.InvariantCulture,
            $"Groups of fewer than {K} people are suppressed; counts are rounded to the nearest multiple of {Step} (halves up), never below {Floor}; sums are withheld, since a sum and an average would give back the exact count.");
}
