using Marketplace.Storage;

namespace Marketplace.Billing.Subjects;

/// <summary>
/// What one person earned in one billing period (in one currency): the sum of their parts of the people's shares of
/// that period's invoices, less credit notes; how many contracts and buyers their records were served to; and the
/// records served and times counted in aggregates that the parts were weighed by.
/// </summary>
public sealed record SubjectPeriodEarnings(string Period, long AmountMinor, string Currency, int Contracts, int Buyers, long Records, long Counted);

/// <summary>A person's earnings per period, newest first, read from the stored parts (nothing is recomputed).</summary>
public sealed class SubjectEarningsQueries(ISubjectEarnings earnings)
{
    /// <summary>Parts read at most per call (one per invoice the person shared in): years of monthly invoices of many contracts.</summary>
    public const int MaxEntries = 10_000;

    public async Task<IReadOnlyList<SubjectPeriodEarnings>> ListAsync(string bankId, string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bankId);
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var entries = new List<SubjectEarning>();
        SubjectEarningPosition? after = null;
        while (entries.Count < MaxEntries)
        {
            var page = await earnings.ListBySubjectAsync(bankId, subjectId, after, SubjectEarningLimits.MaxPageSize, cancellationToken);
            entries.AddRange(page);
            if (page.Count < SubjectEarningLimits.MaxPageSize)
            {
                break;
            }
            after = new SubjectEarningPosition(page[^1].Period, page[^1].InvoiceId);
        }
        return [.. entries
            .GroupBy(e => (e.Period, e.Currency))
            .OrderByDescending(g => g.Key.Period, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => new SubjectPeriodEarnings(
                g.Key.Period,
                g.Aggregate(0L, (sum, e) => checked(sum + e.AmountMinor)),
                g.Key.Currency,
                g.Select(e => e.ContractId).Distinct(StringComparer.Ordinal).Count(),
                g.Select(e => e.BuyerId).Distinct(StringComparer.Ordinal).Count(),
                g.Aggregate(0L, (sum, e) => checked(sum + e.Records)),
                g.Aggregate(0L, (sum, e) => checked(sum + e.Counted))))];
    }
}
