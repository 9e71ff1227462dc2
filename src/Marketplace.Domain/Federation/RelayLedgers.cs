namespace Marketplace.Domain.Federation;

/// <summary>
/// The two ledgers of a relay for one billing period, side by side: what this marketplace metered for its buyers on
/// the relayed offering and charged them, and what the partner metered for the relay contract and charges us.
/// They agree when the partner metered exactly our buyers' units and charges exactly its price for them, and our
/// buyers were charged exactly the partner's price plus the configured margin for what each of them used: then the
/// partner's charge plus <see cref="ExpectedMargin"/> is what our buyers pay.
/// </summary>
/// <param name="ExpectedLocalCharge">The relay's price (the partner's price plus the margin) for each local contract's units, summed.</param>
public sealed record RelayLedgers(
    long LocalUnits, long PartnerUnits, Money PartnerCharge, Money LocalCharge, Money ExpectedPartnerCharge, Money ExpectedLocalCharge)
{
    /// <summary>What we keep: our buyers' charge less the partner's charge to us.</summary>
    public Money Margin => new(checked(LocalCharge.MinorUnits - PartnerCharge.MinorUnits), LocalCharge.Currency);

    /// <summary>What the configured margin makes of our buyers' usage: the relay's price less the partner's for it.</summary>
    public Money ExpectedMargin => new(checked(ExpectedLocalCharge.MinorUnits - ExpectedPartnerCharge.MinorUnits), ExpectedLocalCharge.Currency);

    public bool UnitsAgree => LocalUnits == PartnerUnits;

    public bool ChargeAgrees => PartnerCharge == ExpectedPartnerCharge;

    /// <summary>Our buyers were charged the partner's price plus the configured margin, no more and no less.</summary>
    public bool LocalChargeAgrees => LocalCharge == ExpectedLocalCharge;

    public bool Agreed => UnitsAgree && ChargeAgrees && LocalChargeAgrees;

    /// <param name="partnerPlan">The relay contract's plan at the partner (the partner's price).</param>
    /// <param name="margin">The margin the operator configured on the relay.</param>
    /// <param name="localContractUnits">What this marketplace metered on the relayed offering, one entry per local contract.</param>
    /// <param name="localCharge">What those buyers are charged.</param>
    public static RelayLedgers Compare(PricingPlan partnerPlan, RelayMargin margin, IReadOnlyList<long> localContractUnits, long partnerUnits,
        Money partnerCharge, Money localCharge)
    {
        ArgumentNullException.ThrowIfNull(partnerPlan);
        ArgumentNullException.ThrowIfNull(margin);
        ArgumentNullException.ThrowIfNull(localContractUnits);
        ArgumentNullException.ThrowIfNull(partnerCharge);
        ArgumentNullException.ThrowIfNull(localCharge);
        ArgumentOutOfRangeException.ThrowIfNegative(partnerUnits);
        partnerCharge.EnsureSameCurrency(localCharge);
        var relayPlan = margin.RelayPlan(partnerPlan);
        var localUnits = 0L;
        var expectedLocal = Money.Zero(partnerPlan.Currency);
        foreach (var units in localContractUnits)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(units, nameof(localContractUnits));
            localUnits = checked(localUnits + units);
            // Each local contract is billed on its own, so a partly used block is charged per buyer, as its invoice does.
            expectedLocal += relayPlan.PriceFor(units);
        }
        return new RelayLedgers(localUnits, partnerUnits, partnerCharge, localCharge, partnerPlan.PriceFor(localUnits), expectedLocal);
    }
}
