using Marketplace.Storage;

namespace Marketplace.Billing.Outbox;

/// <summary>
/// One kind of payment-processor work carried by outbox messages of <see cref="Kind"/>. Running a message twice
/// must have one effect: it sends the message's idempotency key (or a key derived from it) with every call.
/// Throw <see cref="Payments.PaymentUnavailableException"/> to be retried later with the same key,
/// <see cref="Payments.PaymentRejectedException"/> to give up (an operator looks at it), and
/// <see cref="PaymentWorkNotReady"/> when what the message needs is not there yet (retried later).
/// </summary>
public interface IPaymentWork
{
    string Kind { get; }

    /// <summary>
    /// Messages with the same key are run one after another, never at once (e.g. one customer and meter: the
    /// payment processor takes one call at a time for them); null runs the message on its own.
    /// </summary>
    string? SequenceKey(OutboxMessage message);

    Task RunAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>What a message needs is not there yet (e.g. its invoice is still being issued): try again later.</summary>
public sealed class PaymentWorkNotReady : Exception
{
    public PaymentWorkNotReady() : this("Not ready yet.") { }

    public PaymentWorkNotReady(string message) : base(message) { }

    public PaymentWorkNotReady(string message, Exception innerException) : base(message, innerException) { }
}
