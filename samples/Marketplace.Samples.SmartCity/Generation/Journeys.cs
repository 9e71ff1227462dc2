using Bogus;

namespace Marketplace.Samples.SmartCity.Generation;

/// <summary>One trip of a resident who entrusted their mobility data to the information bank.</summary>
/// <param name="Origin">The district the trip started in (romaji, as the wards are published).</param>
/// <param name="Mode">walk, bicycle, bus, train or car.</param>
/// <param name="TimeBand">When it started: am-peak (7-9), daytime (9-17), pm-peak (17-20), evening (20-24) or night (0-7).</param>
public sealed record Journey(string SubjectId, string Origin, string Destination, string Mode, string TimeBand, int DurationMinutes);

/// <summary>
/// A week of trips of the information bank's residents (the same people as <see cref="HealthChecks"/>: the first
/// <see cref="Travellers"/> of them). Each lives in a district weighted by its population and makes one to three trips,
/// most of them to the harbour-side centre, so a few origin-destination flows are large and most are small.
/// </summary>
public static class Journeys
{
    public const int Travellers = 800;

    private const int Seed = 2026_07;

    /// <summary>Kilometres per degree of longitude at the city's latitude (cos 35.45° × 111.32), fixed so no platform's cosine is involved.</summary>
    private const double KmPerDegreeLongitude = 90.71;

    private const double KmPerDegreeLatitude = 110.95;

    private static readonly string[] Centre = ["Minato-Chuo", "Shinko", "Kitanaka", "Kaigandori"];

    private static readonly string[] TimeBands = ["am-peak", "daytime", "pm-peak", "evening", "night"];

    private static readonly float[] TimeBandWeights = [0.34f, 0.30f, 0.24f, 0.09f, 0.03f];

    public static IEnumerable<Journey> Generate()
    {
        var random = new Randomizer(Seed);
        var districts = District.All.ToArray();
        // Bogus picks by weights that sum to 1: each district's share of the city's residents.
        var city = (float)districts.Sum(d => d.Residents);
        var byResidents = districts.Select(d => d.Residents / city).ToArray();
        var centre = districts.Where(d => Centre.Contains(d.Romaji)).ToArray();
        foreach (var subject in HealthChecks.Generate().Take(Travellers).Select(h => h.SubjectId))
        {
            var home = random.WeightedRandom(districts, byResidents);
            var trips = random.Int(1, 3);
            for (var trip = 0; trip < trips; trip++)
            {
                var destination = random.Bool(0.6f) ? random.ArrayElement(centre) : random.Bool(0.5f) ? home : random.ArrayElement(districts);
                var km = Distance(home, destination) + 0.8 + (random.Double() * 1.5);
                var mode = ModeFor(random, km);
                yield return new Journey(subject, home.Romaji, destination.Romaji, mode,
                    random.WeightedRandom(TimeBands, TimeBandWeights), Minutes(random, mode, km));
            }
        }
    }

    private static double Distance(District from, District to)
    {
        var north = (from.Latitude - to.Latitude) * KmPerDegreeLatitude;
        var east = (from.Longitude - to.Longitude) * KmPerDegreeLongitude;
        return Math.Sqrt((north * north) + (east * east));
    }

    private static string ModeFor(Randomizer random, double km) => km switch
    {
        < 1.6 => random.Bool(0.7f) ? "walk" : "bicycle",
        < 3.5 => random.WeightedRandom(["walk", "bicycle", "bus", "car"], [0.15f, 0.30f, 0.40f, 0.15f]),
        _ => random.WeightedRandom(["bus", "train", "car"], [0.30f, 0.50f, 0.20f]),
    };

    private static int Minutes(Randomizer random, string mode, double km)
    {
        var (kmPerHour, fixedMinutes) = mode switch
        {
            "walk" => (4.8, 0.0),
            "bicycle" => (14.0, 2.0),
            "bus" => (15.0, 8.0),
            "train" => (32.0, 12.0),
            _ => (22.0, 5.0),
        };
        return Math.Max(3, (int)Math.Round((km / kmPerHour * 60) + fixedMinutes + random.Normal(0, 3)));
    }
}
