using System.Globalization;

namespace Marketplace.Grains;

/// <summary>Why units were sent to the payment processor's meter.</summary>
[GenerateSerializer, Alias("Marketplace.MeterReportKind")]
public enum MeterReportKind
{
    /// <summary>Usage the ledger holds for the day and had not been reported yet (a delta).</summary>
    Usage,

    /// <summary>Units the payment processor lost, sent again under a new identifier by a reconciliation repair.</summary>
    Resend,
}

/// <summary>
/// One meter event sent (or to be sent) for a contract's billing day: <see cref="Units"/> under
/// <see cref="Identifier"/>, the payment processor's deduplication key. <see cref="Basis"/> names what a resend
/// answered (the processor's total it saw), so the same finding never resends twice.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.MeterReport")]
public sealed record MeterReport(
    [property: Id(0)] string Identifier,
    [property: Id(1)] DateOnly Day,
    [property: Id(2)] int Sequence,
    [property: Id(3)] long Units,
    [property: Id(4)] MeterReportKind Kind,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] bool Enqueued,
    [property: Id(7)] string? Basis = null);

/// <summary>What was reported for one billing day: the ledger's units reported so far, what was resent, and each report.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.MeterReportDay")]
public sealed record MeterReportDay(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] long ReportedUnits,
    [property: Id(2)] long ResentUnits,
    [property: Id(3)] IReadOnlyList<MeterReport> Reports)
{
    /// <summary>Reports recorded whose outbox message may not have been written yet.</summary>
    public IEnumerable<MeterReport> NotEnqueued => Reports.Where(r => !r.Enqueued);
}

/// <summary>
/// The usage of one contract (key: the contract id) reported to the payment processor's meter, per billing day
/// (its date in the billing time zone). A report is recorded here before its outbox message is written, so a
/// re-run finds it and writes the same message again (the outbox is idempotent by id). Days older than
/// <see cref="MeterReportIds.RetainedDays"/> are forgotten: the processor accepts no usage that old.
/// </summary>
[Alias("Marketplace.IMeterReportGrain")]
public interface IMeterReportGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a report of the units the ledger holds for the day beyond what was reported (none when it holds
    /// no more), and answers the day with every report still waiting to be enqueued.
    /// </summary>
    [Alias("Advance")]
    Task<MeterReportDay> Advance(DateOnly day, long ledgerUnits);

    /// <summary>Records a resend of <paramref name="units"/> unless one with the same <paramref name="basis"/> exists.</summary>
    [Alias("Resend")]
    Task<MeterReportDay> Resend(DateOnly day, long units, string basis);

    /// <summary>Marks reports as carried by the outbox.</summary>
    [Alias("MarkEnqueued")]
    Task MarkEnqueued(DateOnly day, IReadOnlyList<string> identifiers);

    /// <summary>The remembered days from <paramref name="from"/> to <paramref name="to"/> inclusive, in order.</summary>
    [Alias("Days"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<MeterReportDay>> Days(DateOnly from, DateOnly to);

    /// <summary>The earliest day still remembered (older days were forgotten), or null.</summary>
    [Alias("Horizon"), Orleans.Concurrency.ReadOnly]
    Task<DateOnly?> Horizon();
}

public static class MeterReportIds
{
    /// <summary>How long a day's reports are kept: beyond the processor's 35-day window, so reconciliation can still see them.</summary>
    public const int RetainedDays = 40;

    /// <summary>The identifier of the <paramref name="sequence"/>th report of a contract's day: deterministic, so a repeat is deduplicated.</summary>
    public static string For(string contractId, DateOnly day, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"mk-{contractId}-{day:yyyyMMdd}-{sequence}");
}
