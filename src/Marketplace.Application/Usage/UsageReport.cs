using Marketplace.Grains;

namespace Marketplace.Application.Usage;

/// <summary>
/// A provider's usage report being checked event by event: malformed events are rejected with a reason,
/// the rest go to the meters. Timestamps follow the limits a payment processor will accept later
/// (at most 35 days back, 5 minutes ahead) so that nothing metered here can be refused when billed.
/// </summary>
internal sealed class UsageReport
{
    private readonly List<(int Index, ReportedUsageEvent Event)> _acceptable = [];
    private readonly List<RejectedUsageEvent> _rejected = [];
    private int _accepted;
    private int _duplicates;

    public UsageReport(IReadOnlyList<ReportedUsageEvent?> events, DateTimeOffset now, long maxUnitsPerEvent)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var reason = e switch
            {
                null => "The event is empty.",
                { EventId: var eventId } when string.IsNullOrWhiteSpace(eventId) => "eventId is required (a unique id you choose, e.g. a UUID).",
                { EventId.Length: > 200 } => "eventId is longer than 200 characters.",
                { ContractId: var contractId } when string.IsNullOrWhiteSpace(contractId) => "contractId is required.",
                { ContractId: var c } when !Marketplace.Domain.Identifiers.IsValidSlug(c) => "contractId is not a contract id (e.g. 'ctr-3kq7zd2m9xwa').",
                { EventId: { } id } when id.StartsWith(Access.AccessBroker.IdempotencyKeyPrefix, StringComparison.Ordinal) =>
                    $"eventId must not start with '{Access.AccessBroker.IdempotencyKeyPrefix}': that namespace holds buyers' Idempotency-Keys.",
                { Units: < 0 } => "units must not be negative.",
                { Units: var units } when units > maxUnitsPerEvent =>
                    $"units is {units}; one event carries at most {maxUnitsPerEvent} (split larger usage into several events).",
                { OccurredAt: null } => "occurredAt is required (ISO 8601 with offset).",
                { OccurredAt: { } at } when at > now + UsageWindow.MaxAhead => "occurredAt is in the future.",
                { OccurredAt: { } at } when at < now - UsageWindow.MaxAge => "occurredAt is more than 35 days ago; such usage can no longer be billed.",
                _ => null,
            };
            if (reason is null)
            {
                _acceptable.Add((i, e!));
            }
            else
            {
                _rejected.Add(new RejectedUsageEvent(i, e?.EventId, reason));
            }
        }
    }

    public IReadOnlyList<(int Index, ReportedUsageEvent Event)> Acceptable() => _acceptable;

    public void RejectAll(IEnumerable<(int Index, ReportedUsageEvent Event)> events, string reason) =>
        _rejected.AddRange(events.Select(e => new RejectedUsageEvent(e.Index, e.Event.EventId, reason)));

    public void Reject((int Index, ReportedUsageEvent Event) e, string reason) =>
        _rejected.Add(new RejectedUsageEvent(e.Index, e.Event.EventId, reason));

    public void Count(IReadOnlyList<UsageReceipt> receipts)
    {
        foreach (var r in receipts)
        {
            if (r.Duplicate)
            {
                _duplicates++;
            }
            else
            {
                _accepted++;
            }
        }
    }

    public UsageReportResponse ToResponse() => new(_accepted, _duplicates, [.. _rejected.OrderBy(r => r.Index)]);
}
