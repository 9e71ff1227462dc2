using System.Globalization;
using Marketplace.Domain;
using Marketplace.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Billing;

/// <summary>
/// A rehearsal marketplace's business clock, like Stripe's test clocks: it runs with the wall clock plus an offset
/// that the operator can only move forward, so a sample city seeded today can be taken through a month end and
/// its close, invoices and reconciliation in minutes. Off unless Marketplace:TestClock:Enabled (build.ps1 run
/// turns it on for the sample city); never for a marketplace that bills real customers. The offset is kept in the
/// data directory, so business time never runs backwards across a restart. One host only.
/// </summary>
public sealed class TestClock : TimeProvider
{
    /// <summary>The furthest one advance may move the clock: a little over a year.</summary>
    public static readonly TimeSpan MaxAdvance = TimeSpan.FromDays(400);

    private readonly TimeProvider _inner;
    private readonly string _file;
    private readonly Lock _gate = new();
    private long _offsetTicks;

    public TestClock(TimeProvider inner, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _file = Path.Combine(dataDirectory, "test-clock.txt");
        if (File.Exists(_file) && long.TryParse(File.ReadAllText(_file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && ticks > 0)
        {
            _offsetTicks = ticks;
        }
    }

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + Offset;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override long GetTimestamp() => _inner.GetTimestamp();

    /// <summary>Moves business time forward to <paramref name="to"/>; refuses to go back or to jump more than <see cref="MaxAdvance"/>.</summary>
    public DateTimeOffset AdvanceTo(DateTimeOffset to)
    {
        lock (_gate)
        {
            var now = GetUtcNow();
            if (to <= now)
            {
                throw new DomainException(ErrorCodes.TestClockBackwards,
                    $"The test clock only moves forward: business time is already {now:yyyy-MM-dd'T'HH:mm:ssK}.");
            }
            if (to - now > MaxAdvance)
            {
                throw new DomainException(ErrorCodes.TestClockBackwards, $"Advance the test clock at most {MaxAdvance.TotalDays:0} days at a time.");
            }
            var offset = Offset + (to - now);
            var temporary = _file + ".tmp";
            File.WriteAllText(temporary, offset.Ticks.ToString(CultureInfo.InvariantCulture));
            File.Move(temporary, _file, overwrite: true);
            Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
            return GetUtcNow();
        }
    }
}

public sealed record TestClockRequest(DateTimeOffset? To);

public sealed record TestClockResponse(DateTimeOffset Now, string NowInBillingZone, string CurrentPeriod, TimeSpan Offset);

public static class TestClockEndpoints
{
    public static IEndpointRouteBuilder MapTestClock(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<TestClock>() is null)
        {
            return app;
        }
        var group = app.MapGroup("/api/v1/test-clock").WithTags("Billing").RequireAuthorization(Auth.Policies.Operator);
        group.MapGet("/", Get).WithName("GetTestClock")
            .WithSummary("The rehearsal marketplace's business time (only when Marketplace:TestClock:Enabled).");
        group.MapPost("/advance", Advance).WithName("AdvanceTestClock")
            .WithSummary("Moves the rehearsal marketplace's business time forward, e.g. to just after a month end to close it (operator; only when the test clock is enabled).")
            .ProducesProblem(400);
        return app;
    }

    private static Ok<TestClockResponse> Get(TestClock clock, BillingCalendar calendar) => TypedResults.Ok(Describe(clock, calendar));

    private static Ok<TestClockResponse> Advance(TestClockRequest? request, TestClock clock, BillingCalendar calendar)
    {
        var to = request?.To ?? throw new DomainException(DomainErrorCode.InvalidField("to"), "Say where to move business time: {\"to\": \"2026-12-01T01:05:00+09:00\"}.");
        clock.AdvanceTo(to);
        return TypedResults.Ok(Describe(clock, calendar));
    }

    private static TestClockResponse Describe(TestClock clock, BillingCalendar calendar)
    {
        var now = calendar.Now;
        var local = TimeZoneInfo.ConvertTime(now, calendar.Zone);
        return new TestClockResponse(now, local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), calendar.CurrentPeriod().Id, clock.Offset);
    }
}
