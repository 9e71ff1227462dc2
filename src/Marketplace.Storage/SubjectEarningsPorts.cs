namespace Marketplace.Storage;

// What each person earned of the people's share of invoices on personal data, per invoice (and credit note), written
// at the period close once the invoice is issued, so a person's earnings are listed without recomputing any split.

/// <summary>
/// One person's part of one invoice's people's share (negative on a credit note): at which bank, for which period,
/// contract and buyer, and the records served and times counted it was weighed by. Amounts in minor units.
/// </summary>
public sealed record SubjectEarning(
    string BankId,
    string SubjectId,
    string InvoiceId,
    string Period,
    string ContractId,
    string BuyerId,
    long AmountMinor,
    string Currency,
    long Records,
    long Counted);

/// <summary>Where a page of one person's earnings ended: the last (period, invoice) seen.</summary>
public sealed record SubjectEarningPosition(string Period, string InvoiceId);

/// <summary>Each person's earnings, per invoice, by (bank, person).</summary>
public interface ISubjectEarnings
{
    /// <summary>
    /// Stores each person's part of an invoice; an entry for the same (invoice, person) is replaced, so writing again
    /// (a close run again after it stopped half-way) leaves one entry each. At most <see cref="SubjectEarningLimits.MaxBatch"/> per call.
    /// </summary>
    Task PutAsync(IReadOnlyList<SubjectEarning> earnings, CancellationToken cancellationToken = default);

    /// <summary>A page of one person's earnings at a bank: newest period first, then by invoice id; strictly after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<SubjectEarning>> ListBySubjectAsync(
        string bankId, string subjectId, SubjectEarningPosition? after, int pageSize, CancellationToken cancellationToken = default);
}

public static class SubjectEarningLimits
{
    public const int MaxBatch = 1_000;

    public const int MaxPageSize = 1_000;

    public static void Check(IReadOnlyList<SubjectEarning> earnings)
    {
        ArgumentNullException.ThrowIfNull(earnings);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(earnings.Count, MaxBatch, nameof(earnings));
        foreach (var earning in earnings)
        {
            ArgumentNullException.ThrowIfNull(earning, nameof(earnings));
            ArgumentException.ThrowIfNullOrEmpty(earning.BankId, nameof(earnings));
            ArgumentException.ThrowIfNullOrEmpty(earning.SubjectId, nameof(earnings));
            ArgumentException.ThrowIfNullOrEmpty(earning.InvoiceId, nameof(earnings));
            CheckPeriod(earning.Period);
            ArgumentException.ThrowIfNullOrEmpty(earning.ContractId, nameof(earnings));
            ArgumentException.ThrowIfNullOrEmpty(earning.BuyerId, nameof(earnings));
            ArgumentException.ThrowIfNullOrEmpty(earning.Currency, nameof(earnings));
        }
    }

    public static void CheckList(string bankId, string subjectId, SubjectEarningPosition? after, int pageSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(bankId);
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        if (after is not null)
        {
            CheckPeriod(after.Period);
            ArgumentException.ThrowIfNullOrEmpty(after.InvoiceId, nameof(after));
        }
    }

    /// <summary>A billing period id, yyyy-MM: the stores order by it, so it must have that one shape.</summary>
    public static void CheckPeriod(string period)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        if (period.Length != 7 || period[4] != '-' || !period.Where((c, i) => i != 4).All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"'{period}' is not a billing period (yyyy-MM).", nameof(period));
        }
    }
}
