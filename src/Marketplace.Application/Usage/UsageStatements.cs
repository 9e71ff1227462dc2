using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Usage;

/// <summary>What contracts used in a billing period and what that costs so far, priced by the contract's own terms.</summary>
public sealed class UsageStatements(GrainReferences grains, BillingCalendar calendar)
{
    /// <summary>The period named (YYYY-MM), or the current one when none is.</summary>
    public BillingPeriod PeriodOf(string? period) =>
        string.IsNullOrWhiteSpace(period) ? calendar.CurrentPeriod() : BillingPeriod.Parse(period, calendar.Zone);

    public async Task<UsageResponse> ForContractsAsync(IReadOnlyList<ContractView> contracts, BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        ArgumentNullException.ThrowIfNull(period);
        var items = await Task.WhenAll(contracts.Select(c => UsageOf(c, period)));
        return new UsageResponse(period.Id, items);
    }

    private async Task<ContractUsageResponse> UsageOf(ContractView c, BillingPeriod period)
    {
        var totals = await grains.Get<IUsageMeterGrain>(UsageMeterKey.For(c.Id)).GetTotals(period.Id);
        var plan = c.Terms.Pricing;
        Money charge;
        try
        {
            charge = c.ActivatedAt is null ? Money.Zero(plan.Currency) : plan.PriceFor(totals.Units);
        }
        catch (OverflowException)
        {
            throw new DomainException(ErrorCodes.UsageTotalOverflow,
                $"The charge for contract '{c.Id}' in {period.Id} is beyond what can be billed; ask the operator to review its usage.");
        }
        return new ContractUsageResponse(c.Id, c.Terms.OfferingId, c.BuyerId, c.Terms.ProviderId, WireNames.Of(plan.Unit),
            totals.Units, plan.BillableUnits(totals.Units), totals.Events,
            new MoneyWire(charge.MinorUnits, charge.Currency.Code, charge.ToString()));
    }
}
