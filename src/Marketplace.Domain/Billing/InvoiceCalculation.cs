namespace Marketplace.Domain;

/// <summary>
/// The marketplace's rates: consumption tax on data services, the platform's fee on data (basis points of each
/// line, by dataset class), the monthly connection fee a service app pays per active contract, and the share of the
/// people whose personal records were served (basis points of each data line, out of the provider's part; 0 unless
/// the contract is on personal data and someone's records were served).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.BillingRates")]
public sealed record BillingRates(
    [property: Id(0)] int TaxRateBasisPoints,
    [property: Id(1)] int PlatformFeeBasisPoints,
    [property: Id(2)] long ConnectionFeeMinor,
    [property: Id(3)] int DataSubjectShareBasisPoints = 0)
{
    public void Validate()
    {
        ConsumptionTax.CheckRate(TaxRateBasisPoints);
        if (PlatformFeeBasisPoints is < 0 or > ConsumptionTax.MaxRateBasisPoints)
        {
            throw new DomainException(ErrorCodes.BillingRateInvalid,
                $"A platform fee of {PlatformFeeBasisPoints} basis points is not a share; use 0 to {ConsumptionTax.MaxRateBasisPoints} (1000 is 10 %).");
        }
        if (ConnectionFeeMinor < 0)
        {
            throw new DomainException(ErrorCodes.BillingRateInvalid, "The connection fee cannot be negative.");
        }
        DataSubjectShare.CheckRate(DataSubjectShareBasisPoints, PlatformFeeBasisPoints);
    }
}

/// <summary>
/// Usage of an earlier period that was already invoiced: <see cref="BilledUnits"/> were billed then (on its own
/// invoice and on earlier adjustments), <see cref="Units"/> is what the ledger holds for it now.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.LateUsage")]
public sealed record LateUsage([property: Id(0)] string Period, [property: Id(1)] long BilledUnits, [property: Id(2)] long Units);

/// <summary>Everything a contract's invoice for one period depends on.</summary>
/// <param name="Units">The period's metered units, as the ledger holds them at the close.</param>
/// <param name="ActiveInPeriod">Whether the contract was active at some instant of the period (flat and connection fees).</param>
/// <param name="ServiceApp">Whether the buyer is registered as a service app (it pays the connection fee).</param>
[GenerateSerializer, Immutable, Alias("Marketplace.InvoiceBasis")]
public sealed record InvoiceBasis(
    [property: Id(0)] PricingPlan Pricing,
    [property: Id(1)] string Period,
    [property: Id(2)] long Units,
    [property: Id(3)] bool ActiveInPeriod,
    [property: Id(4)] IReadOnlyList<LateUsage> Late,
    [property: Id(5)] bool ServiceApp,
    [property: Id(6)] BillingRates Rates,
    [property: Id(7)] string ProviderId,
    [property: Id(8)] string OperatorId);

/// <summary>An invoice's lines, tax per rate, totals and revenue split.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.InvoiceComputation")]
public sealed record InvoiceComputation(
    [property: Id(0)] IReadOnlyList<InvoiceLine> Lines,
    [property: Id(1)] IReadOnlyList<TaxTotal> Taxes,
    [property: Id(2)] long NetMinor,
    [property: Id(3)] long TaxMinor,
    [property: Id(4)] long TotalMinor,
    [property: Id(5)] IReadOnlyList<RevenueShare> Shares)
{
    /// <summary>Nothing to invoice: no usage, no fee, no late usage.</summary>
    public bool IsEmpty => Lines.Count == 0;
}

/// <summary>
/// Computes a contract's invoice for a period from its terms snapshot and the ledger's totals: the period's usage
/// (or a flat plan's fee), late usage of invoiced periods as adjustments priced at the margin (what the new total
/// costs less what was billed, so tiers and blocks stay right), the connection fee, consumption tax per rate, and
/// the split of the total among provider, platform fee and connection fee.
/// </summary>
public static class InvoiceCalculation
{
    public static InvoiceComputation Compute(InvoiceBasis basis)
    {
        ArgumentNullException.ThrowIfNull(basis);
        basis.Rates.Validate();
        try
        {
            return ComputeChecked(basis);
        }
        catch (OverflowException)
        {
            throw new DomainException(ErrorCodes.BillingAmountOverflow,
                $"The invoice for {basis.Period} is beyond what can be billed; review the contract's usage before closing the period again.");
        }
    }

    private static InvoiceComputation ComputeChecked(InvoiceBasis basis)
    {
        var plan = basis.Pricing;
        var rate = basis.Rates.TaxRateBasisPoints;
        var lines = new List<InvoiceLine>();
        void Add(InvoiceLineKind kind, string period, long quantity, long billable, long amount) =>
            lines.Add(new InvoiceLine(lines.Count + 1, kind, period, quantity, billable, plan.Unit, amount, rate));

        if (plan.Kind == PlanKind.Flat)
        {
            if (basis.ActiveInPeriod || basis.Units > 0)
            {
                Add(InvoiceLineKind.FlatFee, basis.Period, basis.Units, plan.BillableUnits(basis.Units), plan.FlatFeeMinor);
            }
        }
        else if (basis.Units > 0)
        {
            Add(InvoiceLineKind.Usage, basis.Period, basis.Units, plan.BillableUnits(basis.Units), plan.PriceFor(basis.Units).MinorUnits);
        }

        foreach (var late in basis.Late.OrderBy(l => l.Period, StringComparer.Ordinal))
        {
            if (late.Units <= late.BilledUnits)
            {
                continue;
            }
            var billedPrice = plan.Kind == PlanKind.Flat ? 0 : plan.PriceFor(late.BilledUnits).MinorUnits;
            var nowPrice = plan.Kind == PlanKind.Flat ? 0 : plan.PriceFor(late.Units).MinorUnits;
            Add(InvoiceLineKind.Adjustment, late.Period, checked(late.Units - late.BilledUnits),
                checked(plan.BillableUnits(late.Units) - plan.BillableUnits(late.BilledUnits)), checked(nowPrice - billedPrice));
        }

        if (basis.ServiceApp && basis.ActiveInPeriod && basis.Rates.ConnectionFeeMinor > 0)
        {
            Add(InvoiceLineKind.ConnectionFee, basis.Period, 0, 0, basis.Rates.ConnectionFeeMinor);
        }

        return Summarise(lines, basis.Rates.PlatformFeeBasisPoints, basis.ProviderId, basis.OperatorId, basis.Rates.DataSubjectShareBasisPoints);
    }

    /// <summary>
    /// Tax per rate, totals and the revenue split of a set of lines (an invoice's or a credit note's). Of each data
    /// line the platform takes its fee, the people whose records were served <paramref name="dataSubjectShareBasisPoints"/>
    /// (booked to the provider, which on personal data is the information bank that holds them), the provider the rest;
    /// like every share, tax included. The invoice's lines, tax and total, and the platform's fee, do not change with
    /// the people's share: it comes out of the provider's part only.
    /// </summary>
    public static InvoiceComputation Summarise(IReadOnlyList<InvoiceLine> lines, int platformFeeBasisPoints, string providerId, string operatorId,
        int dataSubjectShareBasisPoints = 0)
    {
        DataSubjectShare.CheckRate(dataSubjectShareBasisPoints, platformFeeBasisPoints);
        ArgumentNullException.ThrowIfNull(lines);
        var taxes = ConsumptionTax.Totals(lines);
        long net = 0, tax = 0;
        foreach (var total in taxes)
        {
            net = checked(net + total.NetMinor);
            tax = checked(tax + total.TaxMinor);
        }
        var totalMinor = checked(net + tax);

        var claims = new List<ShareClaim>();
        foreach (var line in lines)
        {
            Int128 amount = line.AmountMinor < 0 ? -(Int128)line.AmountMinor : line.AmountMinor;
            if (line.Kind == InvoiceLineKind.ConnectionFee)
            {
                claims.Add(new ShareClaim(ShareKind.ConnectionFee, operatorId, amount * ConsumptionTax.MaxRateBasisPoints));
            }
            else if (line.Kind != InvoiceLineKind.TaxRounding)
            {
                claims.Add(new ShareClaim(ShareKind.Provider, providerId,
                    amount * (ConsumptionTax.MaxRateBasisPoints - platformFeeBasisPoints - dataSubjectShareBasisPoints)));
                claims.Add(new ShareClaim(ShareKind.PlatformFee, operatorId, amount * platformFeeBasisPoints));
                if (dataSubjectShareBasisPoints > 0)
                {
                    claims.Add(new ShareClaim(ShareKind.DataSubjects, providerId, amount * dataSubjectShareBasisPoints));
                }
            }
        }
        var shares = RevenueSplit.Allocate(totalMinor, claims, new ShareClaim(ShareKind.PlatformFee, operatorId, 0));
        return new InvoiceComputation(lines, taxes, net, tax, totalMinor, shares);
    }
}

/// <summary>Whether a contract was in force at some instant of a period, from its history of status changes.</summary>
public static class ContractActivity
{
    /// <param name="changes">The contract's status changes in time order: when, and the status it entered.</param>
    public static bool ActiveDuring(IEnumerable<(DateTimeOffset At, ContractStatus To)> changes, DateTimeOffset start, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(changes);
        DateTimeOffset? activeSince = null;
        foreach (var (at, to) in changes)
        {
            if (to == ContractStatus.Active)
            {
                activeSince ??= at;
                continue;
            }
            if (activeSince is { } since && since < end && at > start)
            {
                return true;
            }
            activeSince = null;
        }
        return activeSince is { } open && open < end;
    }
}
