using Hangfire;
using Marketplace.Billing.Outbox;
using Marketplace.Billing.Periods;

namespace Marketplace.Billing;

/// <summary>
/// The billing work Hangfire runs. Every job is idempotent: Hangfire may run one twice (a retry, a lost
/// acknowledgement, two servers), and losing Hangfire's storage only delays work, because what a job does is
/// decided by the marketplace's own store (closed periods, the outbox), never by Hangfire's.
/// </summary>
public sealed class BillingJobs(PeriodClosing closing, PaymentOutboxSweep sweep)
{
    public const string CloseDuePeriodsId = "billing-close-due-periods";

    public const string SweepPaymentsId = "billing-sweep-payments";

    /// <summary>Carries due payment work (invoices, meter events, credit notes, payouts) to the payment processor; one sweep at a time.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    [AutomaticRetry(Attempts = 0)]
    public async Task SweepPaymentsAsync(CancellationToken cancellationToken) => await sweep.SweepAsync(cancellationToken);

    /// <summary>Closes every period whose end plus grace has passed, in order.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 5)]
    public async Task CloseDuePeriodsAsync(CancellationToken cancellationToken) => await closing.CloseDueAsync(cancellationToken);
}
