using System.Globalization;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Evaluation;

/// <summary>
/// The city's evaluation of its marketplace over a range of billing days, for the operator's page and API alike:
/// usage per dataset per day, active contracts, new listings, open-data downloads and top datasets, each split by
/// dataset class.
/// </summary>
/// <remarks>
/// Everything is read from the stores' ports, each once, a page at a time; memory holds aggregates only. The cost
/// grows with: the (contract, hour) pairs with usage in the billing months the range touches (the ledger's hourly
/// sums, <see cref="IUsageLedger.ReadHoursAsync"/>, at most 744 per contract and month, whatever the number of
/// events), every contract in the contract index (one read, for each contract's offering and status), the
/// offerings created in the range (one range read of the holdings index, from the range's first instant), one
/// offering grain call per offering named by those, one dataset grain call per dataset with usage, and one
/// download counter grain call per listed open-data offering (at most <see cref="MaxOpenDataOfferings"/>).
/// </remarks>
public sealed class CityEvaluation(IUsageLedger ledger, IHoldingsIndex holdings, ICatalogIndex catalog, GrainReferences grains, BillingCalendar calendar)
{
    /// <summary>The longest range one evaluation covers (a leap year).</summary>
    public const int MaxDays = 366;

    /// <summary>The range when none is asked for: the last 30 billing days, today included.</summary>
    public const int DefaultDays = 30;

    /// <summary>How many datasets the top list holds.</summary>
    public const int TopCount = 10;

    /// <summary>The most open-data offerings whose downloads are counted (the catalog's public, free listings).</summary>
    public const int MaxOpenDataOfferings = 10_000;

    /// <summary>The earliest billing day a range may start on: nothing happened here before.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    private const int GrainCallsAtOnce = 64;

    /// <summary>
    /// The range a request names: ISO dates (yyyy-MM-dd) in the billing time zone, both ends included. Without
    /// <paramref name="to"/>, today; without <paramref name="from"/>, the <see cref="DefaultDays"/> days ending on
    /// <paramref name="to"/>. A range that is malformed, reversed, ends after today or spans more than
    /// <see cref="MaxDays"/> days is refused with the reason.
    /// </summary>
    public EvaluationRange RangeOf(string? from, string? to)
    {
        var today = calendar.DayOf(calendar.Now);
        var end = to is null ? today : ParseDay(to, "to");
        var start = from is null ? end.AddDays(1 - DefaultDays) : ParseDay(from, "from");
        if (start < Earliest)
        {
            throw new DomainException(DomainErrorCode.InvalidField("from"), $"'from' is {Iso(start)}; a range starts on {Iso(Earliest)} or later.");
        }
        if (end > today)
        {
            throw new DomainException(DomainErrorCode.InvalidField("to"), $"'to' is {Iso(end)}, after today ({Iso(today)} in the billing time zone); end the range today or earlier.");
        }
        if (start > end)
        {
            throw new DomainException(DomainErrorCode.InvalidField("from"), $"'from' ({Iso(start)}) is after 'to' ({Iso(end)}); swap them.");
        }
        if (end.DayNumber - start.DayNumber + 1 > MaxDays)
        {
            throw new DomainException(DomainErrorCode.InvalidField("from"),
                $"The range {Iso(start)} to {Iso(end)} spans {end.DayNumber - start.DayNumber + 1} days; ask for at most {MaxDays} days at a time.");
        }
        return new EvaluationRange(start, end);
    }

    public async Task<CityEvaluationReport> EvaluateAsync(EvaluationRange range, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        try
        {
            var usage = await ReadUsageAsync(range, cancellationToken);
            var used = usage.Keys.Select(k => k.ContractId).ToHashSet(StringComparer.Ordinal);
            var contracts = await ReadContractsAsync(used, cancellationToken);
            var created = await ReadNewOfferingsAsync(range, cancellationToken);
            var offerings = await OfferingsAsync(
                contracts.Values.Where(c => c.Status == ActiveStatus).Select(c => c.OfferingId)
                    .Concat(usage.Keys.Select(k => contracts.GetValueOrDefault(k.ContractId).OfferingId).OfType<string>())
                    .Concat(created.Select(e => e.ItemId)));

            var active = new long[3];
            foreach (var contract in contracts.Values.Where(c => c.Status == ActiveStatus))
            {
                if (offerings.GetValueOrDefault(contract.OfferingId) is { } offering)
                {
                    active[(int)offering.DatasetClass]++;
                }
            }

            var perDataset = new Dictionary<(string DatasetId, DateOnly Day), (long Units, long Events)>();
            var classOfDataset = new Dictionary<string, DatasetClass>(StringComparer.Ordinal);
            foreach (var ((contractId, day), (units, events)) in usage)
            {
                if (contracts.GetValueOrDefault(contractId).OfferingId is not { } offeringId || offerings.GetValueOrDefault(offeringId) is not { } offering)
                {
                    continue; // a contract the index does not hold yet: it is counted once its entry is written
                }
                var key = (offering.Definition.DatasetId, day);
                var (u, e) = perDataset.GetValueOrDefault(key);
                perDataset[key] = (checked(u + units), checked(e + events));
                classOfDataset[offering.Definition.DatasetId] = offering.DatasetClass;
            }
            var titles = await DatasetTitlesAsync(classOfDataset.Keys);

            var usagePerDataset = perDataset
                .Select(p => new DatasetDailyUsage(p.Key.Day, p.Key.DatasetId, titles[p.Key.DatasetId], classOfDataset[p.Key.DatasetId], p.Value.Units, p.Value.Events))
                .OrderBy(u => u.Day).ThenBy(u => u.DatasetId, StringComparer.Ordinal)
                .ToList();
            var top = usagePerDataset
                .GroupBy(u => u.DatasetId, StringComparer.Ordinal)
                .Select(g => new DatasetUsage(g.Key, titles[g.Key], classOfDataset[g.Key], g.Aggregate(0L, (s, u) => checked(s + u.Units)), g.Aggregate(0L, (s, u) => checked(s + u.Events))))
                .OrderByDescending(d => d.Units).ThenByDescending(d => d.Events).ThenBy(d => d.DatasetId, StringComparer.Ordinal)
                .ToList();
            var usagePerDay = Daily(range, usagePerDataset.Select(u => (u.Day, u.DatasetClass, u.Units)));
            var newListings = Daily(range, created
                .Where(e => offerings.ContainsKey(e.ItemId))
                .Select(e => (calendar.DayOf(e.CreatedAt), offerings[e.ItemId].DatasetClass, 1L)));
            var byClass = new long[3];
            foreach (var dataset in top)
            {
                byClass[(int)dataset.DatasetClass] = checked(byClass[(int)dataset.DatasetClass] + dataset.Units);
            }

            var report = new CityEvaluationReport(
                range.From, range.To, calendar.Zone.Id, calendar.Now,
                new ClassCounts(active[0], active[1], active[2]),
                new ClassCounts(byClass[0], byClass[1], byClass[2]),
                usagePerDay,
                usagePerDataset,
                [.. top.Take(TopCount)],
                newListings,
                await DownloadsAsync(range, cancellationToken));
            // Every total the report derives, summed here once so that an overflow is refused now rather than
            // failing while the answer is written.
            _ = (report.ActiveContracts.Total, report.UsageByClass.Total, report.DownloadsTotal, report.NewListingsTotal);
            _ = report.UsagePerDay.Aggregate(0L, (sum, d) => checked(sum + d.Total));
            return report;
        }
        catch (OverflowException)
        {
            throw new DomainException(ErrorCodes.UsageTotalOverflow, "A total in this range is too large to count; ask for a shorter range.");
        }
    }

    // The contract index stores a status as its enum name (ContractIndexing.StatusText in the grains). A stored
    // "Active" whose end date passed is expired the next time the contract is touched; it counts until then.
    private static readonly string ActiveStatus = nameof(ContractStatus.Active);

    private static IReadOnlyList<DailyClassCounts> Daily(EvaluationRange range, IEnumerable<(DateOnly Day, DatasetClass Class, long Value)> values)
    {
        var sums = new long[range.Days, 3];
        foreach (var (day, datasetClass, value) in values)
        {
            if (range.Contains(day))
            {
                var i = day.DayNumber - range.From.DayNumber;
                sums[i, (int)datasetClass] = checked(sums[i, (int)datasetClass] + value);
            }
        }
        return [.. range.EachDay().Select((day, i) => new DailyClassCounts(day, sums[i, 0], sums[i, 1], sums[i, 2]))];
    }

    /// <summary>
    /// The offering and stored status of every active contract and of every contract in <paramref name="used"/>, from
    /// one read of the contract index; memory holds only those.
    /// </summary>
    private async Task<Dictionary<string, (string OfferingId, string Status)>> ReadContractsAsync(HashSet<string> used, CancellationToken cancellationToken)
    {
        var contracts = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        IndexPosition? after = null;
        do
        {
            var page = await holdings.ListContractsAsync(new ContractQuery(), after, IndexLimits.MaxPageSize, cancellationToken);
            foreach (var entry in page.Items.Where(e => e.Status == ActiveStatus || used.Contains(e.ContractId)))
            {
                contracts[entry.ContractId] = (entry.OfferingId, entry.Status);
            }
            after = page.Next;
        }
        while (after is not null);
        return contracts;
    }

    /// <summary>
    /// Units and events per (contract, billing day) in the range, from the ledger's hourly sums of the months the
    /// range touches. An hour belongs to the billing day it starts on: exact in a zone with a whole-hour offset (Tokyo).
    /// </summary>
    private async Task<Dictionary<(string ContractId, DateOnly Day), (long Units, long Events)>> ReadUsageAsync(EvaluationRange range, CancellationToken cancellationToken)
    {
        var usage = new Dictionary<(string, DateOnly), (long, long)>();
        var last = PeriodId(range.To);
        for (var month = new DateOnly(range.From.Year, range.From.Month, 1); string.CompareOrdinal(PeriodId(month), last) <= 0; month = month.AddMonths(1))
        {
            foreach (var hour in await ledger.ReadHoursAsync(PeriodId(month), cancellationToken))
            {
                var day = calendar.DayOf(hour.Hour);
                if (!range.Contains(day))
                {
                    continue;
                }
                var key = (hour.ContractId, day);
                var (units, events) = usage.GetValueOrDefault(key);
                usage[key] = (checked(units + hour.Units), checked(events + hour.Events));
            }
        }
        return usage;
    }

    private static string PeriodId(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The offerings created in the range, from the holdings index in creation order starting at the range's first instant.</summary>
    private async Task<List<HoldingEntry>> ReadNewOfferingsAsync(EvaluationRange range, CancellationToken cancellationToken)
    {
        var start = StartOf(range.From);
        var end = StartOf(range.To.AddDays(1));
        // Strictly after (start − 1 tick, "~"): "~" sorts after every slug, so every entry created at start or later.
        IndexPosition? after = new(start.AddTicks(-1), "~");
        var created = new List<HoldingEntry>();
        while (after is not null)
        {
            var page = await holdings.ListOfferingsAsync(null, after, IndexLimits.MaxPageSize, cancellationToken);
            foreach (var entry in page.Items)
            {
                if (entry.CreatedAt >= end)
                {
                    return created;
                }
                created.Add(entry);
            }
            after = page.Next;
        }
        return created;
    }

    private DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, calendar.Zone.GetUtcOffset(local));
    }

    private async Task<Dictionary<string, OfferingView>> OfferingsAsync(IEnumerable<string> ids)
    {
        var views = await InBatchesAsync(ids.Distinct(StringComparer.Ordinal), id => grains.Get<IOfferingGrain>(id).Get());
        return views.Where(v => v is not null).ToDictionary(v => v!.Id, v => v!, StringComparer.Ordinal);
    }

    private async Task<Dictionary<string, string>> DatasetTitlesAsync(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        var views = await InBatchesAsync(list, id => grains.Get<IDatasetGrain>(id).Get());
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            titles[list[i]] = views[i]?.Definition.Metadata.Title ?? list[i];
        }
        return titles;
    }

    /// <summary>Downloads per day of the listed open-data offerings (the catalog's public, free listings anyone sees).</summary>
    private async Task<IReadOnlyList<DailyCount>> DownloadsAsync(EvaluationRange range, CancellationToken cancellationToken)
    {
        var sums = new long[range.Days];
        var seen = 0;
        for (var page = 1; seen < MaxOpenDataOfferings; page++)
        {
            var result = await catalog.SearchAsync(new CatalogQuery(DatasetClass: WireNames.Of(DatasetClass.Public), FreeOnly: true,
                Page: page, PageSize: Catalog.CatalogBrowsing.MaxPageSize, Sort: CatalogSort.Newest), cancellationToken);
            var counts = await InBatchesAsync(result.Items.Select(l => l.OfferingId), id => grains.Get<IDownloadCounterGrain>(id).Days());
            foreach (var day in counts.SelectMany(c => c).Where(d => range.Contains(d.Day)))
            {
                var i = day.Day.DayNumber - range.From.DayNumber;
                sums[i] = checked(sums[i] + day.Downloads);
            }
            seen += result.Items.Count;
            if (result.Items.Count < Catalog.CatalogBrowsing.MaxPageSize)
            {
                break;
            }
        }
        return [.. range.EachDay().Select((day, i) => new DailyCount(day, sums[i]))];
    }

    private static async Task<List<T>> InBatchesAsync<T>(IEnumerable<string> ids, Func<string, Task<T>> call)
    {
        var results = new List<T>();
        foreach (var batch in ids.Chunk(GrainCallsAtOnce))
        {
            results.AddRange(await Task.WhenAll(batch.Select(call)));
        }
        return results;
    }

    private static DateOnly ParseDay(string text, string field) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new DomainException(DomainErrorCode.InvalidField(field), $"'{field}' is a date like 2026-11-30 (yyyy-MM-dd, a day in the billing time zone).");

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
