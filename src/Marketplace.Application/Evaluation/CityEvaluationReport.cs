using Marketplace.Domain;

namespace Marketplace.Application.Evaluation;

/// <summary>A range of billing days (dates in the billing time zone), both ends included.</summary>
public sealed record EvaluationRange(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    public bool Contains(DateOnly day) => day >= From && day <= To;

    public IEnumerable<DateOnly> EachDay()
    {
        for (var day = From; day <= To; day = day.AddDays(1))
        {
            yield return day;
        }
    }
}

/// <summary>Counts split by dataset class; <see cref="Total"/> is their sum.</summary>
public sealed record ClassCounts(long Public, long Private, long Personal)
{
    public long Total => checked(Public + Private + Personal);

    public long Of(DatasetClass datasetClass) => datasetClass switch
    {
        DatasetClass.Public => Public,
        DatasetClass.Private => Private,
        _ => Personal,
    };
}

/// <summary>One billing day's counts split by dataset class.</summary>
public sealed record DailyClassCounts(DateOnly Day, long Public, long Private, long Personal)
{
    public long Total => checked(Public + Private + Personal);
}

/// <summary>One billing day's count.</summary>
public sealed record DailyCount(DateOnly Day, long Count);

/// <summary>A dataset's metered usage over the range: units in its plans' base quantity, and events.</summary>
public sealed record DatasetUsage(string DatasetId, string Title, DatasetClass DatasetClass, long Units, long Events);

/// <summary>A dataset's metered usage on one billing day (only days with usage are listed).</summary>
public sealed record DatasetDailyUsage(DateOnly Day, string DatasetId, string Title, DatasetClass DatasetClass, long Units, long Events);

/// <summary>
/// What the city reads to evaluate its marketplace over a range of billing days. Daily series hold every day of
/// the range (zero where nothing happened), oldest first. Open-data downloads are all of public-class data.
/// </summary>
public sealed record CityEvaluationReport(
    DateOnly From,
    DateOnly To,
    string TimeZone,
    DateTimeOffset AsOf,
    ClassCounts ActiveContracts,
    ClassCounts UsageByClass,
    IReadOnlyList<DailyClassCounts> UsagePerDay,
    IReadOnlyList<DatasetDailyUsage> UsagePerDataset,
    IReadOnlyList<DatasetUsage> TopDatasets,
    IReadOnlyList<DailyClassCounts> NewListingsPerDay,
    IReadOnlyList<DailyCount> DownloadsPerDay)
{
    public long DownloadsTotal => DownloadsPerDay.Aggregate(0L, (sum, d) => checked(sum + d.Count));

    public long NewListingsTotal => NewListingsPerDay.Aggregate(0L, (sum, d) => checked(sum + d.Total));
}
