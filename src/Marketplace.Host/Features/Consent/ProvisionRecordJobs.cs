using Hangfire;
using Marketplace.Application.Consent;

namespace Marketplace.Host.Features.Consent;

/// <summary>The daily Hangfire job that removes the record of provision past its retention (idempotent: a repeat removes nothing twice).</summary>
public sealed class ProvisionRecordJobs(ProvisionRecords records)
{
    public const string PruneId = "consent-prune-provisions";

    /// <summary>Every day at 03:30 in the billing time zone, when the marketplace is quiet.</summary>
    public const string Schedule = "30 3 * * *";

    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    [AutomaticRetry(Attempts = 3)]
    public async Task PruneAsync(CancellationToken cancellationToken) => await records.PruneExpiredAsync(cancellationToken);
}
