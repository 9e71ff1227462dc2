using Marketplace.Grains;
using Marketplace.Host.Features.Offerings;

namespace Marketplace.Host.Features.Contracts;

public sealed record ContractEventResponse(DateTimeOffset At, string Status, string Action, string By, string ActorId, string? Reason);

public sealed record ContractResponse(
    string Id,
    string OfferingId,
    string DatasetId,
    string BuyerId,
    string ProviderId,
    string DatasetClass,
    string Purpose,
    string Status,
    PricingWire Pricing,
    PolicyWire Policy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? EndsAt,
    IReadOnlyList<ContractEventResponse> History);

/// <summary>A page of contracts; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record ContractListResponse(IReadOnlyList<ContractResponse> Items, string? Next);

public sealed record ContractActionRequest(string? Reason);

public static class ContractMapping
{
    public static ContractResponse ToResponse(this ContractView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var t = v.Terms;
        return new ContractResponse(v.Id, t.OfferingId, t.DatasetId, v.BuyerId, t.ProviderId, Wire.Name(t.DatasetClass), v.Purpose,
            Wire.Name(v.Status), t.Pricing.ToWire(), t.Policy.ToWire(), v.RequestedAt, v.ActivatedAt, v.EndsAt,
            [.. v.History.Select(e => new ContractEventResponse(e.At, Wire.Name(e.To), e.Action is { } action ? Wire.Name(action) : "request", Wire.Name(e.By), e.ActorId, e.Reason))]);
    }
}
