using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.SubscriptionKeyState")]
public sealed class SubscriptionKeyState
{
    [Id(0)] public string? ContractId { get; set; }

    [Id(1)] public string? OfferingId { get; set; }

    [Id(2)] public string? Purpose { get; set; }
}

/// <summary>h5 (issue 12): a partner city subscribing as a buyer here retries safely (see <see cref="ISubscriptionKeyGrain"/>).</summary>
[GrainType("subscriptionkey")]
public sealed class SubscriptionKeyGrain([PersistentState("subscription-key", GrainStorage.Name)] IPersistentState<SubscriptionKeyState> state)
    : Grain, ISubscriptionKeyGrain
{
    public async Task<ContractView> Subscribe(string buyerId, string offeringId, string purpose)
    {
        var normalized = UsagePolicy.NormalizePurpose(purpose);
        var s = state.State;
        if (s.ContractId is not null)
        {
            if (s.OfferingId != offeringId || s.Purpose != normalized)
            {
                throw new DomainException(ErrorCodes.IdempotencyKeyConflict,
                    "This Idempotency-Key was already used to subscribe to another offering or for another purpose; use a new key for a new subscription.");
            }
            return await GrainFactory.GetGrain<IContractGrain>(s.ContractId).Get()
                ?? throw new DomainException(ErrorCodes.ContractNotFound, $"There is no contract '{s.ContractId}'.");
        }
        var contract = await GrainFactory.GetGrain<IOfferingGrain>(offeringId).Subscribe(buyerId, purpose);
        s.ContractId = contract.Id;
        s.OfferingId = offeringId;
        s.Purpose = normalized;
        await state.WriteStateAsync();
        return contract;
    }
}
