using Marketplace.Domain;

namespace Marketplace.Domain.Tests.Billing;

public sealed class InvoiceCalculationTests
{
    private static readonly Currency Yen = Currency.Parse("JPY");
    private static readonly BillingRates Rates = new(1000, 1500, 3000);
    private static readonly PricingPlan PerTenRecords = PricingPlan.PerUnit(new Money(1, Yen), UsageUnit.Record, 10);

    private static InvoiceBasis Basis(PricingPlan plan, long units, bool active = true, IReadOnlyList<LateUsage>? late = null, bool serviceApp = false) =>
        new(plan, "2026-11", units, active, late ?? [], serviceApp, Rates, "prov", "op");

    [Fact]
    public void Usage_is_priced_by_the_plan_and_taxed_at_ten_percent()
    {
        var invoice = InvoiceCalculation.Compute(Basis(PerTenRecords, 12_345));

        var line = Assert.Single(invoice.Lines);
        Assert.Equal((InvoiceLineKind.Usage, 12_345L, 1_235L), (line.Kind, line.Quantity, line.AmountMinor));
        Assert.Equal((1_235L, 123L, 1_358L), (invoice.NetMinor, invoice.TaxMinor, invoice.TotalMinor));
    }

    [Fact]
    public void Late_usage_of_an_invoiced_period_is_an_adjustment_priced_at_the_margin()
    {
        var tiered = PricingPlan.Tiered(Yen, UsageUnit.Record, 100, [new PriceTier(1_000, 2), new PriceTier(null, 1)]);

        var invoice = InvoiceCalculation.Compute(Basis(tiered, 0, late: [new LateUsage("2026-10", 900, 1_100)]));

        var line = Assert.Single(invoice.Lines);
        // 900 → 1,100: 100 more units at ¥2 (up to 1,000), then 100 at ¥1.
        Assert.Equal((InvoiceLineKind.Adjustment, "2026-10", 200L, 300L), (line.Kind, line.UsagePeriod, line.Quantity, line.AmountMinor));
    }

    [Fact]
    public void Nothing_late_and_nothing_used_on_a_metered_plan_is_no_invoice()
    {
        Assert.True(InvoiceCalculation.Compute(Basis(PerTenRecords, 0, late: [new LateUsage("2026-10", 5, 5)])).IsEmpty);
    }

    [Fact]
    public void A_flat_plan_charges_its_fee_for_an_active_period_without_usage()
    {
        var invoice = InvoiceCalculation.Compute(Basis(PricingPlan.Flat(new Money(30_000, Yen)), 0));

        Assert.Equal((InvoiceLineKind.FlatFee, 30_000L), (invoice.Lines[0].Kind, invoice.Lines[0].AmountMinor));
        Assert.Equal(33_000, invoice.TotalMinor);
    }

    [Fact]
    public void A_flat_plan_not_active_in_the_period_is_not_charged()
    {
        Assert.True(InvoiceCalculation.Compute(Basis(PricingPlan.Flat(new Money(30_000, Yen)), 0, active: false)).IsEmpty);
    }

    [Fact]
    public void A_service_app_pays_the_connection_fee_per_active_contract_even_on_a_free_plan()
    {
        var invoice = InvoiceCalculation.Compute(Basis(PricingPlan.Free(Yen), 10, serviceApp: true));

        Assert.Equal([InvoiceLineKind.Usage, InvoiceLineKind.ConnectionFee], invoice.Lines.Select(l => l.Kind));
        Assert.Equal(3_300, invoice.TotalMinor);
        Assert.Equal([new RevenueShare(ShareKind.ConnectionFee, "op", 3_300)], invoice.Shares.Where(s => s.AmountMinor != 0));
    }

    [Fact]
    public void The_split_gives_the_platform_its_fee_and_the_provider_the_rest_tax_included()
    {
        var invoice = InvoiceCalculation.Compute(Basis(PricingPlan.Flat(new Money(10_000, Yen)), 0));

        Assert.Equal([new RevenueShare(ShareKind.Provider, "prov", 9_350), new RevenueShare(ShareKind.PlatformFee, "op", 1_650)], invoice.Shares);
    }

    [Fact]
    public void Shares_always_add_up_to_the_total_whatever_the_usage()
    {
        var random = new Random(42);
        for (var i = 0; i < 1_000; i++)
        {
            var plan = PricingPlan.PerUnit(new Money(random.Next(1, 997), Yen), UsageUnit.Record, random.Next(1, 50));
            var basis = Basis(plan, random.NextInt64(0, 10_000_000), late: [new LateUsage("2026-10", 10, random.NextInt64(10, 100_000))], serviceApp: random.Next(2) == 0);

            var invoice = InvoiceCalculation.Compute(basis);

            Assert.Equal(invoice.TotalMinor, invoice.Shares.Sum(s => s.AmountMinor));
            Assert.Equal(invoice.NetMinor, invoice.Lines.Sum(l => l.AmountMinor));
        }
    }

    [Fact]
    public void An_invoice_beyond_what_can_be_billed_is_refused_with_a_reason()
    {
        var plan = PricingPlan.PerUnit(new Money(PricingPlan.MaxPriceMinor, Yen), UsageUnit.Record);

        var error = Assert.Throws<DomainException>(() => InvoiceCalculation.Compute(Basis(plan, 100_000_000)));

        Assert.Equal(ErrorCodes.BillingAmountOverflow.Value, error.Code);
    }

    [Fact]
    public void A_contract_active_before_and_ended_inside_the_period_was_active_during_it()
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(9));
        var end = start.AddMonths(1);

        Assert.True(ContractActivity.ActiveDuring([(start.AddDays(-40), ContractStatus.Active), (start.AddDays(3), ContractStatus.Terminated)], start, end));
        Assert.False(ContractActivity.ActiveDuring([(start.AddDays(-40), ContractStatus.Active), (start.AddDays(-1), ContractStatus.Terminated)], start, end));
        Assert.False(ContractActivity.ActiveDuring([(end, ContractStatus.Active)], start, end));
        Assert.False(ContractActivity.ActiveDuring([(start, ContractStatus.Requested)], start, end));
    }
}
