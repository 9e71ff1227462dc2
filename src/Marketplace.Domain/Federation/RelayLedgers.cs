namespace Marketplace.Domain.Federation;

/// <summary>
/// The two ledgers of a relay for one billing period, side by side: what this marketplace metered for its buyers on
/// the relayed offering and charged them, and what the partner metered for the relay contract and charges us.
/// They agree when the partner metered exactly our buyers' units and charges exactly its price for them; the margin
/// is what our buyers pay above that.
/// </summary>
public sealed record RelayLedgers(long LocalUnits, long PartnerUnits, Money PartnerCharge, Money LocalCharge, Money ExpectedPartnerCharge)
{
    /// <summary>What we keep: our buyers' charge less the partner's charge to us.</summary>
    public Money Margin => new(checked(LocalCharge.MinorUnits - PartnerCharge.MinorUnits), LocalCharge.Currency);

    public bool UnitsAgree => LocalUnits == PartnerUnits;

    public bool ChargeAgrees => PartnerCharge == ExpectedPartnerCharge;

    public bool Agreed => UnitsAgree && ChargeAgrees;

    /// <param name="partnerPlan">The relay contract's plan at the partner (the partner's price).</param>
    /// <param name="localUnits">What this marketplace metered for all its buyers on the relayed offering.</param>
    /// <param name="localCharge">What those buyers are charged (the partner's price plus the margin).</param>
    public static RelayLedgers Compare(PricingPlan partnerPlan, long localUnits, long partnerUnits, Money partnerCharge, Money localCharge)
    {
        ArgumentNullException.ThrowIfNull(partnerPlan);
        ArgumentNullException.ThrowIfNull(partnerCharge);
        ArgumentNullException.ThrowIfNull(localCharge);
        ArgumentOutOfRangeException.ThrowIfNegative(localUnits);
        ArgumentOutOfRangeException.ThrowIfNegative(partnerUnits);
        partnerCharge.EnsureSameCurrency(localCharge);
        return new RelayLedgers(localUnits, partnerUnits, partnerCharge, localCharge, partnerPlan.PriceFor(localUnits));
    }
}
