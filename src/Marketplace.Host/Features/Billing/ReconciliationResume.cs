using Marketplace.Billing.Reconciliation;

namespace Marketplace.Host.Features.Billing;

/// <summary>
/// Once the host has started (the silo is up): reconciliation runs that were queued or running when Hangfire's
/// storage was lost (the in-memory default loses it with the process) are enqueued again. Runs are idempotent.
/// </summary>
internal sealed partial class ReconciliationResume(IHostApplicationLifetime lifetime, ReconciliationRuns runs, ILogger<ReconciliationResume> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = ResumeAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ResumeAsync()
    {
        try
        {
            var resumed = await runs.ResumeLostAsync();
            if (resumed > 0)
            {
                LogResumed(logger, resumed);
            }
        }
#pragma warning disable CA1031 // Resuming is best effort at start-up; reading a run resumes it too.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-enqueued {Count} reconciliation runs whose jobs were lost")]
    private static partial void LogResumed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not resume reconciliation runs at start-up")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
