namespace Marketplace.Grains;

/// <summary>Open-data downloads of an offering on one billing day (the day in the billing time zone).</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.DailyDownloads")]
public sealed record DailyDownloads(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] long Downloads);

/// <summary>
/// How often an offering's open data was downloaded, per billing day (key: offering id), for the city's
/// evaluation. Never billed. Bounded: only the most recent <see cref="DownloadCounts.DaysKept"/> days are kept.
/// </summary>
[Alias("Marketplace.IDownloadCounterGrain")]
public interface IDownloadCounterGrain : IGrainWithStringKey
{
    /// <summary>Counts one download started on <paramref name="day"/>.</summary>
    [Alias("Count")]
    Task Count(DateOnly day);

    /// <summary>The days with downloads, oldest first.</summary>
    [Alias("Days"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<DailyDownloads>> Days();
}

public static class DownloadCounts
{
    /// <summary>How many billing days of counts an offering keeps (a little over a year).</summary>
    public const int DaysKept = 400;
}
