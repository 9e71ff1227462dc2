namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.DownloadCounterState")]
public sealed class DownloadCounterState
{
    [Id(0)] public SortedDictionary<DateOnly, long> Days { get; set; } = [];
}

/// <summary>
/// Counts an offering's open-data downloads per billing day. A grain handles one call at a time, so downloads
/// started together are each counted; the oldest days beyond <see cref="DownloadCounts.DaysKept"/> are dropped.
/// </summary>
[GrainType("downloadcounter")]
public sealed class DownloadCounterGrain(
    [PersistentState("downloads", GrainStorage.Name)] IPersistentState<DownloadCounterState> state) : Grain, IDownloadCounterGrain
{
    public async Task Count(DateOnly day)
    {
        var days = state.State.Days;
        days[day] = checked(days.GetValueOrDefault(day) + 1);
        while (days.Count > DownloadCounts.DaysKept)
        {
            days.Remove(days.Keys.First());
        }
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<DailyDownloads>> Days() =>
        Task.FromResult<IReadOnlyList<DailyDownloads>>([.. state.State.Days.Select(d => new DailyDownloads(d.Key, d.Value))]);
}
