namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.PaymentLinkState")]
public sealed class PaymentLinkState
{
    [Id(0)] public string? PaymentId { get; set; }
}

[GrainType("paymentlink")]
public sealed class PaymentLinkGrain([PersistentState("payment-link", GrainStorage.Name)] IPersistentState<PaymentLinkState> state) : Grain, IPaymentLinkGrain
{
    public Task<string?> Get() => Task.FromResult(state.State.PaymentId);

    public async Task<string> Set(string paymentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(paymentId);
        if (state.State.PaymentId is null)
        {
            state.State.PaymentId = paymentId;
            await state.WriteStateAsync();
        }
        return state.State.PaymentId;
    }
}
