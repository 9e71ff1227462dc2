namespace Marketplace.Client;

public sealed record Money(long MinorUnits, string Currency, string Display);

public sealed record ContractUsage(
    string ContractId,
    string OfferingId,
    string BuyerId,
    string ProviderId,
    string Unit,
    long Units,
    long BillableUnits,
    long Events,
    Money Charge);

/// <param name="Period">The billing period, e.g. "2026-11".</param>
public sealed record UsageStatement(string Period, IReadOnlyList<ContractUsage> Items, string? Next = null);

/// <param name="EventId">The provider's own id for the event; a repeat is counted once.</param>
public sealed record UsageEventReport(string EventId, string ContractId, long Units, DateTimeOffset? OccurredAt = null);

public sealed record UsageReportRequest(IReadOnlyList<UsageEventReport> Events);

public sealed record RejectedUsageEvent(int Index, string? EventId, string Reason);

public sealed record UsageReportResult(int Accepted, int Duplicates, IReadOnlyList<RejectedUsageEvent> Rejected);
