using Hangfire;

namespace Marketplace.Billing.Usage;

/// <summary>The "Marketplace:Billing:UsageReporting" section: when usage of closed days is reported to the meters.</summary>
public sealed class UsageReportingOptions
{
    public const string Section = "Marketplace:Billing:UsageReporting";

    /// <summary>Cron in the billing time zone; by default ten minutes after midnight, when yesterday has closed. Reporting is idempotent.</summary>
    public string Schedule { get; set; } = "10 0 * * *";
}

/// <summary>
/// The Hangfire job that reports closed days' usage to the payment processor's meters. Idempotent: what was
/// reported is decided by the meter report grains, never by Hangfire, so a repeated run sends nothing new.
/// </summary>
public sealed class UsageReportingJobs(UsageReporting reporting)
{
    public const string ReportUsageId = "billing-report-usage";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 5)]
    public async Task ReportUsageAsync(CancellationToken cancellationToken) => await reporting.ReportClosedDaysAsync(cancellationToken);
}
