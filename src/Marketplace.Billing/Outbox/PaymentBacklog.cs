using Marketplace.Storage;

namespace Marketplace.Billing.Outbox;

/// <summary>
/// How much payment work waits, as the operator's console shows it: of the oldest <see cref="Scanned"/> pending
/// and failed outbox messages, those of a payment kind, counted, and the oldest few of each.
/// </summary>
/// <param name="Pending">Payment messages waiting (or being retried) among those scanned.</param>
/// <param name="Failed">Payment messages given up on among those scanned; an operator must look at them.</param>
/// <param name="PendingAtLeast">True when more pending messages were there than scanned: <paramref name="Pending"/> is a lower bound.</param>
/// <param name="FailedAtLeast">The same for failed messages.</param>
public sealed record PaymentBacklogView(
    int Pending,
    bool PendingAtLeast,
    int Failed,
    bool FailedAtLeast,
    IReadOnlyList<OutboxMessage> OldestPending,
    IReadOnlyList<OutboxMessage> OldestFailed);

/// <summary>The payment work in the outbox (kinds starting with <see cref="Prefix"/>), read a bounded slice at a time.</summary>
public sealed class PaymentBacklog(IOutbox outbox)
{
    public const string Prefix = "payment.";

    /// <summary>Messages read per status: the outbox answers oldest first, so the view covers the oldest work.</summary>
    public const int Scanned = 1_000;

    public async Task<PaymentBacklogView> ViewAsync(int shown, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shown);
        var pending = await outbox.ListAsync(OutboxStatus.Pending, Scanned, cancellationToken);
        var failed = await outbox.ListAsync(OutboxStatus.Failed, Scanned, cancellationToken);
        static List<OutboxMessage> Payments(IReadOnlyList<OutboxMessage> messages) =>
            [.. messages.Where(m => m.Kind.StartsWith(Prefix, StringComparison.Ordinal))];
        var pendingPayments = Payments(pending);
        var failedPayments = Payments(failed);
        return new PaymentBacklogView(
            pendingPayments.Count,
            pending.Count >= Scanned,
            failedPayments.Count,
            failed.Count >= Scanned,
            [.. pendingPayments.OrderBy(m => m.DueAt).ThenBy(m => m.Id, StringComparer.Ordinal).Take(shown)],
            [.. failedPayments.Take(shown)]);
    }
}
