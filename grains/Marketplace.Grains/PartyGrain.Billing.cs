namespace Marketplace.Grains;

public sealed partial class PartyState
{
    [Id(25)] public PartyBilling? Billing { get; set; }
}

public sealed partial class PartyGrain
{
    public async Task<PartyProfile> SetBilling(PartyBilling billing)
    {
        ArgumentNullException.ThrowIfNull(billing);
        EnsureRegistered();
        if (S.Billing != billing)
        {
            S.Billing = billing;
            await Save();
        }
        return Profile();
    }
}
