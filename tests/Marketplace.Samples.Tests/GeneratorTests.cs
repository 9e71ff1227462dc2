using Marketplace.Samples.SmartCity.Generation;

namespace Marketplace.Samples.Tests;

public sealed class GeneratorTests
{
    [Fact]
    public void Every_resident_has_their_own_subject_id()
    {
        var subjects = HealthChecks.Generate().Select(h => h.SubjectId).ToList();

        Assert.Equal(HealthChecks.Residents, subjects.Count);
        Assert.Equal(subjects.Count, subjects.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Journeys_are_made_by_the_information_banks_residents_between_the_citys_districts()
    {
        var residents = HealthChecks.Generate().Select(h => h.SubjectId).ToHashSet(StringComparer.Ordinal);
        var districts = District.All.Select(d => d.Romaji).ToHashSet(StringComparer.Ordinal);
        var journeys = Journeys.Generate().ToList();

        Assert.Equal(Journeys.Travellers, journeys.Select(j => j.SubjectId).Distinct().Count());
        Assert.All(journeys, j => Assert.True(residents.Contains(j.SubjectId) && districts.Contains(j.Origin) && districts.Contains(j.Destination) && j.DurationMinutes >= 3, j.ToString()));
    }

    [Fact]
    public void Some_flows_between_districts_reach_k_and_most_do_not()
    {
        var flows = Journeys.Generate().GroupBy(j => (j.Origin, j.Destination)).Select(g => g.Select(j => j.SubjectId).Distinct().Count()).ToList();

        Assert.True(flows.Count(people => people >= 10) is >= 5 and var kept && kept < flows.Count / 2, string.Join(", ", flows));
    }

    [Fact]
    public void Every_bus_stop_has_its_own_id_and_name_and_lies_in_its_ward()
    {
        var stops = BusStops.Generate().ToList();

        Assert.Equal(stops.Count, stops.Select(s => s.StopId).Distinct().Count());
        Assert.Equal(stops.Count, stops.Select(s => s.Name).Distinct().Count());
        Assert.All(stops, s =>
        {
            var ward = District.All.Single(d => d.Name == s.District);
            Assert.InRange((double)s.Latitude, ward.Latitude - 0.03, ward.Latitude + 0.03);
            Assert.InRange((double)s.Longitude, ward.Longitude - 0.03, ward.Longitude + 0.03);
        });
    }

    [Fact]
    public void Hourly_counts_cover_thirty_days_from_the_anchor_on_tokyo_time()
    {
        var hours = StationEntries.Generate().Select(s => s.Hour).Distinct().Order().ToList();

        Assert.Equal(30 * 24, hours.Count);
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(9)), hours[0]);
        Assert.All(hours, h => Assert.Equal(TimeSpan.FromHours(9), h.Offset));
    }

    [Fact]
    public void No_one_passes_the_gates_while_trains_do_not_run()
    {
        var night = StationEntries.Generate().Where(s => s.Hour.Hour is >= 1 and <= 4);

        Assert.All(night, s => Assert.Equal((0, 0), (s.Entries, s.Exits)));
    }

    [Fact]
    public void Every_ward_reports_every_age_band_with_people_in_it()
    {
        var population = Population.Generate().ToList();

        foreach (var ward in District.All)
        {
            Assert.Equal(Population.Bands, population.Where(p => p.District == ward.Name).Select(p => p.AgeBand));
        }

        Assert.All(population, p => Assert.True(p.Male > 0 && p.Female > 0));
    }
}
