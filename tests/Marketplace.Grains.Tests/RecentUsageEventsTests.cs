namespace Marketplace.Grains.Tests;

/// <summary>The ids a meter keeps in memory: counted, not timed.</summary>
public sealed class RecentUsageEventsTests
{
    private static readonly DateOnly Today = new(2026, 12, 1);

    private static UsageReceipt Receipt(string id) => new(id, Duplicate: true, 1, null);

    [Fact]
    public void After_ten_times_its_capacity_of_ids_it_holds_exactly_its_capacity()
    {
        var recent = new RecentUsageEvents(RecentUsageEvents.CachedIds);

        for (var i = 0; i < 10 * RecentUsageEvents.CachedIds; i++)
        {
            recent.Add(Receipt($"evt-{i}"), Today);
        }

        Assert.Equal(RecentUsageEvents.CachedIds, recent.Count);
    }

    [Fact]
    public void The_oldest_id_goes_first_when_the_capacity_is_reached()
    {
        var recent = new RecentUsageEvents(3);

        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            recent.Add(Receipt(id), Today);
        }

        Assert.False(recent.TryGet("a", out _));
        Assert.True(recent.TryGet("b", out _));
        Assert.True(recent.TryGet("d", out _));
    }

    [Fact]
    public void An_id_added_again_is_held_once()
    {
        var recent = new RecentUsageEvents(3);

        recent.Add(Receipt("a"), Today);
        recent.Add(Receipt("a"), Today);
        recent.Add(Receipt("b"), Today);
        recent.Add(Receipt("c"), Today);

        Assert.Equal(3, recent.Count);
        Assert.True(recent.TryGet("a", out _));
    }

    [Fact]
    public void Ids_recorded_before_the_day_given_are_let_go()
    {
        var recent = new RecentUsageEvents(int.MaxValue);
        recent.Add(Receipt("old"), Today.AddDays(-40));
        recent.Add(Receipt("new"), Today);

        recent.ForgetBefore(Today.AddDays(-35));

        Assert.False(recent.TryGet("old", out _));
        Assert.True(recent.TryGet("new", out _));
    }
}
