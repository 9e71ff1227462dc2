using Marketplace.Billing.Reconciliation;
using Marketplace.Billing.Usage;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Billing.Tests.Reconciliation;

public sealed class ReconciliationRulesTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    [Fact]
    public void A_billing_days_usage_is_dated_at_its_noon_whose_UTC_date_is_the_same_day()
    {
        var day = new DateOnly(2026, 11, 10);

        var timestamp = MeterEventMessages.TimestampOf(day, Tokyo);

        Assert.Equal(new DateTimeOffset(2026, 11, 10, 3, 0, 0, TimeSpan.Zero), timestamp);
        Assert.Equal(day, MeterEventMessages.DayOfSummary(new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("Asia/Tokyo", "2026-11")]
    [InlineData("America/New_York", "2026-11")] // daylight saving time ends on November 1st
    [InlineData("Asia/Kolkata", "2026-02")] // a half-hour offset
    public void The_quarter_hour_table_puts_every_instant_on_the_day_the_calendar_does(string zoneId, string periodId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var calendar = new BillingCalendar(TimeProvider.System, zone);
        var period = BillingPeriod.Parse(periodId, zone);
        var days = new LedgerDays(period, calendar);

        for (var at = period.Start; at < period.End; at = at.AddMinutes(7))
        {
            Assert.Equal(calendar.DayOf(at), days.Day(days.ColumnOf(at)));
        }
    }

    [Fact]
    public void The_events_a_report_missed_are_the_latest_of_the_day_that_make_up_the_gap()
    {
        var tail = new EventTail(3);
        foreach (var (id, units) in new[] { ("a", 5L), ("b", 3L), ("c", 2L), ("d", 1L) })
        {
            tail.Add(id, units);
        }

        Assert.Equal("d c +0", Covered(tail.Covering(3)));
        Assert.Equal("d c b +1", Covered(tail.Covering(7)));
    }

    private static string Covered((IReadOnlyList<string> Ids, int Omitted) covered) => $"{string.Join(' ', covered.Ids)} +{covered.Omitted}";

    [Fact]
    public void A_credit_note_for_an_overpriced_invoice_brings_what_it_bills_back_to_its_terms()
    {
        var plan = PricingPlan.PerUnit(new Money(1, Currency.Parse("JPY")), UsageUnit.Record, 10);
        var invoice = Overpriced(plan, units: 100, amount: 500);

        var repriced = InvoiceRepricing.Reprice(invoice, plan, 100, [], new Dictionary<string, long>());
        var note = InvoiceRepricing.CreditNote(invoice, repriced, plan, 1, invoice.IssuedAt, "marketplace");
        var after = InvoiceRepricing.Reprice(invoice, plan, 100, [note], new Dictionary<string, long>());

        Assert.Equal((10L, 500L), (repriced.ExpectedNetMinor, repriced.ActualNetMinor));
        Assert.Equal((InvoiceIds.CreditNote(invoice.Id, 1), -490L, -49L), (note.Id, note.NetMinor, note.TaxMinor));
        Assert.Equal(note.TotalMinor, note.Shares.Sum(s => s.AmountMinor));
        Assert.Equal(0, after.OverBilledMinor);
    }

    [Fact]
    public void Billing_more_units_than_the_ledger_holds_is_priced_at_what_the_ledger_holds()
    {
        var plan = PricingPlan.PerUnit(new Money(1, Currency.Parse("JPY")), UsageUnit.Record, 10);
        var invoice = Overpriced(plan, units: 100, amount: 10);

        var repriced = InvoiceRepricing.Reprice(invoice, plan, 60, [], new Dictionary<string, long>());

        Assert.Equal((6L, 10L, 40L), (repriced.ExpectedNetMinor, repriced.ActualNetMinor, repriced.QuantityOver));
    }

    private static Invoice Overpriced(PricingPlan plan, long units, long amount)
    {
        var computed = InvoiceCalculation.Summarise(
            [new InvoiceLine(1, InvoiceLineKind.Usage, "2026-11", units, plan.BillableUnits(units), plan.Unit, amount, 1000)], 1500, "provider", "marketplace");
        InvoiceParty Party(string id) => new(id, id, null);
        return new Invoice("inv-2026-11-c1", InvoiceKind.Invoice, "2026-11", "c1", "off", "Bus stops", plan.Currency, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            Party("buyer"), Party("provider"), Party("marketplace"), false, computed.Lines, computed.Taxes, computed.NetMinor, computed.TaxMinor, computed.TotalMinor,
            computed.Shares, 1500);
    }

    [Fact]
    public void Event_ids_that_a_spreadsheet_would_run_as_formulas_are_written_as_text_in_the_CSV()
    {
        var totals = new ReconciliationTotals(1, 1, 1, 1, 1, 0, null, 0, 0, 0, 0, 0);
        var finding = new ReconciliationFinding(FindingKinds.ReportedBelowLedger, "c1", "b1", "record", new DateOnly(2026, 11, 10), null, 1, 0, "Not reported.",
            ["=HYPERLINK(\"http://x\")"]);
        var counts = new Dictionary<string, int> { [FindingKinds.ReportedBelowLedger] = 1 };
        var report = new ReconciliationReport("rec-1", "2026-11", DateTimeOffset.UnixEpoch, false, totals, counts, [finding], 0, [], 0, [], 1,
            ReconciliationReport.SummaryLine("rec-1", "2026-11", false, totals, counts, 0));

        var csv = report.ToCsv();

        Assert.Contains(",\"'=HYPERLINK(\"\"http://x\"\")\",", csv, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', report.Summary);
        Assert.Equal(report.Findings, ReconciliationReport.FromJson(report.ToJson()).Findings, (a, b) => a.Kind == b.Kind && a.EventIds.SequenceEqual(b.EventIds) && a.Day == b.Day);
    }
}
