namespace Marketplace.Application.Usage;

public sealed record MoneyWire(long MinorUnits, string Currency, string Display);

public sealed record ContractUsageResponse(
    string ContractId,
    string OfferingId,
    string BuyerId,
    string ProviderId,
    string Unit,
    long Units,
    long BillableUnits,
    long Events,
    MoneyWire Charge);

public sealed record UsageResponse(string Period, IReadOnlyList<ContractUsageResponse> Items, string? Next = null);

public sealed record ReportedUsageEvent(string? EventId, string? ContractId, long Units, DateTimeOffset? OccurredAt);

public sealed record UsageReportRequest(IReadOnlyList<ReportedUsageEvent?>? Events);

public sealed record RejectedUsageEvent(int Index, string? EventId, string Reason);

public sealed record UsageReportResponse(int Accepted, int Duplicates, IReadOnlyList<RejectedUsageEvent> Rejected);
