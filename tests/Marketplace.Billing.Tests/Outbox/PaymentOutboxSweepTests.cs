using Marketplace.Billing.Outbox;
using Marketplace.Billing.Payments;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Billing.Tests.Outbox;

/// <summary>How the payment sweep settles each message: done, retried with backoff, or given up for an operator.</summary>
public sealed class PaymentOutboxSweepTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "payment-sweep-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;
    private readonly SqliteOutbox _outbox;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    public PaymentOutboxSweepTests()
    {
        _database = new SqliteDatabase(new SqliteStoreOptions { DataDirectory = _directory });
        _outbox = new SqliteOutbox(_database);
    }

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private PaymentOutboxSweep Sweep(Func<Exception?> outcome) =>
        new(_outbox, [new Work(outcome)], new ConfiguredProcessor(), new BillingCalendar(_time, BillingPeriod.DefaultZone), NullLogger<PaymentOutboxSweep>.Instance);

    private async Task<OutboxMessage> SweepManyTimesAsync(Func<Exception?> outcome, int sweeps)
    {
        var now = _time.GetUtcNow();
        await _outbox.EnqueueAsync(new OutboxMessage("payment:test", Work.KindName, "x", "payment:test", now, now));
        var sweep = Sweep(outcome);
        for (var i = 0; i < sweeps; i++)
        {
            await sweep.SweepAsync();
            _time.Advance(TimeSpan.FromHours(7));
        }
        return (await _outbox.GetAsync("payment:test"))!;
    }

    [Fact]
    public async Task Work_waiting_for_something_outside_it_is_never_given_up()
    {
        var message = await SweepManyTimesAsync(() => new PaymentWorkNotReady("Provider has no payout account yet."), PaymentOutboxSweep.MaxAttempts + 3);

        Assert.Equal((OutboxStatus.Pending, PaymentOutboxSweep.MaxAttempts + 3), (message.Status, message.Attempts));
        Assert.Contains("no payout account", message.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Work_that_keeps_failing_is_given_up_for_an_operator_after_the_most_attempts()
    {
        var message = await SweepManyTimesAsync(() => new PaymentUnavailableException("Stripe is down."), PaymentOutboxSweep.MaxAttempts + 3);

        Assert.Equal((OutboxStatus.Failed, PaymentOutboxSweep.MaxAttempts), (message.Status, message.Attempts));
    }

    [Fact]
    public async Task A_rejection_is_given_up_at_once()
    {
        var message = await SweepManyTimesAsync(() => new PaymentRejectedException("No such customer."), 3);

        Assert.Equal((OutboxStatus.Failed, 1), (message.Status, message.Attempts));
    }

    [Fact]
    public async Task Done_work_is_not_run_again()
    {
        var runs = 0;
        var message = await SweepManyTimesAsync(() => { runs++; return null; }, 3);

        Assert.Equal((OutboxStatus.Done, 1), (message.Status, runs));
    }

    [Fact]
    public void The_pause_doubles_from_thirty_seconds_to_at_most_six_hours_and_honours_retry_after()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), PaymentOutboxSweep.PauseAfter(1, null));
        Assert.Equal(TimeSpan.FromSeconds(60), PaymentOutboxSweep.PauseAfter(2, null));
        Assert.Equal(TimeSpan.FromHours(6), PaymentOutboxSweep.PauseAfter(30, null));
        Assert.Equal(TimeSpan.FromMinutes(5), PaymentOutboxSweep.PauseAfter(1, TimeSpan.FromMinutes(5)));
    }

    private sealed class Work(Func<Exception?> outcome) : IPaymentWork
    {
        public const string KindName = "payment.test";

        public string Kind => KindName;

        public string? SequenceKey(OutboxMessage message) => null;

        public Task RunAsync(OutboxMessage message, CancellationToken cancellationToken) =>
            outcome() is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    /// <summary>A processor that says it is configured; the work under test never calls it.</summary>
    private sealed class ConfiguredProcessor : IPaymentProcessor
    {
        public bool IsConfigured => true;

        public Task<string> EnsureCustomerAsync(PaymentCustomer customer, string idempotencyKey, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<string> EnsureProductAsync(PaymentProduct product, string idempotencyKey, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<PaymentMeter> EnsureMeterAsync(string unit, string idempotencyKey, CancellationToken ct = default) => throw new NotSupportedException();

        public Task ReportMeterEventAsync(MeterEventReport report, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<PaymentInvoice> IssueInvoiceAsync(PaymentInvoiceRequest request, string idempotencyKey, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<PaymentCreditNote> IssueCreditNoteAsync(PaymentCreditNoteRequest request, string idempotencyKey, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<string> TransferAsync(PaymentTransfer transfer, string idempotencyKey, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<MeterDaySummary>> ReadMeterSummariesAsync(string meterId, string customerId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default) => throw new NotSupportedException();

        public PaymentWebhookEvent ParseWebhook(string json, string signatureHeader) => throw new NotSupportedException();
    }
}
