using System.Diagnostics;
using System.Threading.RateLimiting;
using Marketplace.Billing.Payments;
using Marketplace.Grains;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;

namespace Marketplace.Billing.Outbox;

/// <summary>What one sweep did, per outcome.</summary>
public sealed record SweepResult(bool LedgerOnly, int Done, int Retried, int Failed);

/// <summary>
/// Carries payment work out of the outbox: claims due messages of each registered kind, runs them (one at a time
/// per sequence key, several keys at once), and settles each: done, due again after an exponential backoff (at
/// least what the processor asked for in Retry-After), or failed after <see cref="MaxAttempts"/> or a rejection.
/// Without a configured payment processor (the ledger-only default) it leaves every message waiting.
/// </summary>
public sealed partial class PaymentOutboxSweep(
    IOutbox outbox,
    IEnumerable<IPaymentWork> work,
    IPaymentProcessor processor,
    BillingCalendar calendar,
    ILogger<PaymentOutboxSweep> logger)
{
    public const int MaxAttempts = 12;

    private const int Batch = 100;
    private const int MaxBatchesPerKind = 50;
    private const int Parallelism = 4;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestPause = TimeSpan.FromHours(6);

    /// <summary>Calls per second this host makes at most: Stripe allows 1,000 in live mode (100 in test mode) per account.</summary>
    public const int MaxCallsPerSecond = 90;

    private readonly IReadOnlyList<IPaymentWork> _work = [.. work];

    // One message is one to a few calls; pacing messages keeps the host well below the processor's limit.
    private readonly TokenBucketRateLimiter _pace = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = MaxCallsPerSecond,
        TokensPerPeriod = MaxCallsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    /// <summary>The pause before attempt <paramref name="attempts"/> + 1: 30 s doubling, at most 6 hours.</summary>
    public static TimeSpan PauseAfter(int attempts, TimeSpan? retryAfter)
    {
        var doubling = FirstPause.TotalSeconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        var pause = TimeSpan.FromSeconds(Math.Min(LongestPause.TotalSeconds, doubling));
        return retryAfter is { } asked && asked > pause ? asked : pause;
    }

    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (!processor.IsConfigured)
        {
            return new SweepResult(true, 0, 0, 0);
        }
        int done = 0, retried = 0, failed = 0;
        foreach (var kind in _work)
        {
            for (var batch = 0; batch < MaxBatchesPerKind; batch++)
            {
                var claims = await outbox.ClaimDueAsync(calendar.Now, Batch, Lease, kind.Kind, cancellationToken);
                var sequences = claims.GroupBy(c => kind.SequenceKey(c.Message) ?? c.Message.Id).ToList();
                var outcomes = new List<Outcome>();
                await Parallel.ForEachAsync(sequences, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                    async (sequence, ct) =>
                    {
                        foreach (var claim in sequence)
                        {
                            var outcome = await RunAsync(kind, claim, ct);
                            lock (outcomes)
                            {
                                outcomes.Add(outcome);
                            }
                        }
                    });
                done += outcomes.Count(o => o == Outcome.Done);
                retried += outcomes.Count(o => o == Outcome.Retried);
                failed += outcomes.Count(o => o == Outcome.Failed);
                if (claims.Count < Batch)
                {
                    break;
                }
            }
        }
        return new SweepResult(false, done, retried, failed);
    }

    private enum Outcome
    {
        Done,
        Retried,
        Failed,
    }

    private async Task<Outcome> RunAsync(IPaymentWork kind, OutboxClaim claim, CancellationToken cancellationToken)
    {
        var attempts = claim.Message.Attempts + 1;
        try
        {
            using var lease = await _pace.AcquireAsync(1, cancellationToken);
            await kind.RunAsync(claim.Message, cancellationToken);
            await outbox.CompleteAsync(claim, calendar.Now, cancellationToken);
            return Outcome.Done;
        }
        catch (PaymentRejectedException e)
        {
            LogRejected(logger, claim.Message.Id, e.Message);
            await outbox.RetryLaterAsync(claim, calendar.Now, Describe(e), giveUp: true, cancellationToken);
            return Outcome.Failed;
        }
#pragma warning disable CA1031 // One message's failure must not stop the sweep; it is retried later and logged.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // Work that waits for something outside it (a payout account, connected accounts, an invoice still being
            // issued) waits as long as that takes; anything else is given up for an operator after MaxAttempts.
            var giveUp = attempts >= MaxAttempts && e is not PaymentWorkNotReady;
            var retryAfter = (e as PaymentUnavailableException)?.RetryAfter;
            LogRetry(logger, claim.Message.Id, attempts, giveUp, e.Message);
            await outbox.RetryLaterAsync(claim, calendar.Now + PauseAfter(attempts, retryAfter), Describe(e), giveUp, cancellationToken);
            return giveUp ? Outcome.Failed : Outcome.Retried;
        }
    }

    private static string Describe(Exception e)
    {
        var text = $"{e.GetType().Name}: {e.Message}";
        Debug.Assert(text.Length > 0);
        return text.Length <= 1_000 ? text : text[..1_000];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment work {MessageId} was rejected and needs an operator: {Reason}")]
    private static partial void LogRejected(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment work {MessageId} failed (attempt {Attempts}, giving up: {GiveUp}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string messageId, int attempts, bool giveUp, string reason);
}
