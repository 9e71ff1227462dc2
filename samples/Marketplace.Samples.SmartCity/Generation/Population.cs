using Bogus;

namespace Marketplace.Samples.SmartCity.Generation;

public sealed record DistrictPopulation(string District, string AgeBand, int Male, int Female, DateOnly AsOf);

/// <summary>Residents by ward and five-year age band, as the resident register shows them.</summary>
public static class Population
{
    private const int Seed = 2026_03;

    /// <summary>Five-year bands with their share of an average ward, shaped like Japan's ageing pyramid.</summary>
    private static readonly (string Band, double Share, double FemaleShare)[] AgeBands =
    [
        ("0-4", 3.7, 0.488), ("5-9", 4.0, 0.488), ("10-14", 4.3, 0.487), ("15-19", 4.6, 0.487),
        ("20-24", 5.0, 0.490), ("25-29", 5.0, 0.490), ("30-34", 5.4, 0.492), ("35-39", 6.0, 0.493),
        ("40-44", 6.8, 0.494), ("45-49", 7.8, 0.495), ("50-54", 7.0, 0.497), ("55-59", 6.3, 0.500),
        ("60-64", 5.9, 0.505), ("65-69", 6.3, 0.515), ("70-74", 7.3, 0.530), ("75-79", 5.5, 0.555),
        ("80-84", 4.3, 0.600), ("85+", 4.8, 0.680),
    ];

    public static IReadOnlyList<string> Bands { get; } = [.. AgeBands.Select(b => b.Band)];

    public static int Count => District.All.Count * AgeBands.Length;

    public static IEnumerable<DistrictPopulation> Generate()
    {
        var random = new Randomizer(Seed);
        var middle = (AgeBands.Length - 1) / 2.0;
        foreach (var district in District.All)
        {
            // Older wards tilt the pyramid linearly towards the upper bands (Ageing stays within 0.5..1.5,
            // so no band goes negative); linear keeps the arithmetic exact on every platform.
            var weights = AgeBands
                .Select((b, i) => b.Share * (1 + ((district.Ageing - 1) * (i - middle) / middle)))
                .ToArray();
            var total = weights.Sum();
            for (var i = 0; i < AgeBands.Length; i++)
            {
                var people = district.Residents * weights[i] / total * random.Double(0.96, 1.04);
                var female = (int)Math.Round(people * AgeBands[i].FemaleShare);
                var male = (int)Math.Round(people) - female;
                yield return new DistrictPopulation(district.Name, AgeBands[i].Band, male, female, CityCalendar.StartDate);
            }
        }
    }
}
