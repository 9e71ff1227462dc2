namespace Marketplace.Grains.Tests;

/// <summary>Open-data download counts per billing day: every download counted, the oldest days beyond the bound dropped.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DownloadCounterTests(ClusterFixture fixture)
{
    private static readonly DateOnly First = new(2026, 1, 1);

    private IDownloadCounterGrain NewCounter() => fixture.Grains.GetGrain<IDownloadCounterGrain>($"off-{Guid.NewGuid():N}");

    [Fact]
    public async Task Downloads_are_counted_per_day_oldest_day_first()
    {
        var counter = NewCounter();

        await counter.Count(First.AddDays(1));
        await counter.Count(First);
        await counter.Count(First.AddDays(1));

        Assert.Equal([new DailyDownloads(First, 1), new DailyDownloads(First.AddDays(1), 2)], await counter.Days());
    }

    [Fact]
    public async Task Downloads_started_at_once_are_each_counted()
    {
        var counter = NewCounter();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => counter.Count(First)));

        Assert.Equal([new DailyDownloads(First, 50)], await counter.Days());
    }

    [Fact]
    public async Task Only_the_most_recent_days_are_kept()
    {
        var counter = NewCounter();

        for (var day = 0; day < DownloadCounts.DaysKept + 5; day++)
        {
            await counter.Count(First.AddDays(day));
        }

        var days = await counter.Days();
        Assert.Equal(DownloadCounts.DaysKept, days.Count);
        Assert.Equal(First.AddDays(5), days[0].Day);
        Assert.Equal(First.AddDays(DownloadCounts.DaysKept + 4), days[^1].Day);
    }
}
