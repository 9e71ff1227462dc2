namespace Marketplace.Client;

/// <summary>Contract states as the API spells them.</summary>
public static class ContractStatuses
{
    public const string Requested = "requested";
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Terminated = "terminated";
    public const string Expired = "expired";
    public const string Rejected = "rejected";
}

public sealed record CreateContractRequest(string Purpose);

public sealed record ContractActionRequest(string? Reason);

public sealed record ContractEvent(DateTimeOffset At, string Status, string Action, string By, string ActorId, string? Reason);

public sealed record Contract(
    string Id,
    string OfferingId,
    string DatasetId,
    string BuyerId,
    string ProviderId,
    string DatasetClass,
    string Purpose,
    string Status,
    Pricing Pricing,
    UsagePolicy Policy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? EndsAt,
    IReadOnlyList<ContractEvent> History)
{
    public bool Is(string status) => string.Equals(Status, status, StringComparison.Ordinal);
}

/// <summary>A page of contracts; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record ContractList(IReadOnlyList<Contract> Items, string? Next = null);
