using Hangfire;
using Marketplace.Billing.Periods;

namespace Marketplace.Billing;

/// <summary>
/// The billing work Hangfire runs. Every job is idempotent: Hangfire may run one twice (a retry, a lost
/// acknowledgement, two servers), and losing Hangfire's storage only delays work, because what a job does is
/// decided by the marketplace's own store (closed periods, the outbox), never by Hangfire's.
/// </summary>
public sealed class BillingJobs(PeriodClosing closing)
{
    public const string CloseDuePeriodsId = "billing-close-due-periods";

    /// <summary>Closes every period whose end plus grace has passed, in order.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 5)]
    public async Task CloseDuePeriodsAsync(CancellationToken cancellationToken) => await closing.CloseDueAsync(cancellationToken);
}
