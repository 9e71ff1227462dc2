using System.Collections.Concurrent;
using Marketplace.Billing.Reconciliation;
using Marketplace.Billing.Subjects;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Billing.Tests.Subjects;

/// <summary>A credit note on an invoice with a people's share takes back from each person in proportion to what they were paid.</summary>
public sealed class SubjectShareDistributionTests
{
    private static readonly PricingPlan Plan = PricingPlan.PerUnit(new Money(5, Currency.Parse("JPY")), UsageUnit.Record, 1);

    [Fact]
    public async Task A_credit_note_reverses_the_peoples_shares_in_proportion_and_each_persons_earnings_add_up()
    {
        var earnings = new MemoryEarnings();
        var distribution = new SubjectShareDistribution(earnings, NullLogger<SubjectShareDistribution>.Instance,
            new Counts([new ProvisionCount("r-1", 600, 0), new ProvisionCount("r-2", 300, 0), new ProvisionCount("r-3", 0, 100)]));
        var invoice = PersonalInvoice(units: 1_000, amount: 5_000);
        var repriced = InvoiceRepricing.Reprice(invoice, Plan, 800, [], new Dictionary<string, long>());
        var note = InvoiceRepricing.CreditNote(invoice, repriced, Plan, 1, invoice.IssuedAt, "marketplace");

        await distribution.RecordAsync(invoice);
        await distribution.RecordAsync(note);

        // ¥5,500 with ¥550 for the people; 200 of the 1,000 records were over-billed: ¥1,100 back, ¥110 of it theirs.
        Assert.Equal((-1_100L, -110L), (note.TotalMinor, note.DataSubjectsShareMinor));
        Assert.Equal(note.TotalMinor, note.Shares.Sum(s => s.AmountMinor));
        Assert.Equal(new Dictionary<string, long> { ["r-1"] = 330 - 66, ["r-2"] = 165 - 33, ["r-3"] = 55 - 11 },
            earnings.Stored.Values.GroupBy(e => e.SubjectId).ToDictionary(g => g.Key, g => g.Sum(e => e.AmountMinor)));
        Assert.Equal(1_000, earnings.Stored.Values.Sum(e => e.Records + e.Counted)); // the credit note pays for no records of its own
    }

    [Fact]
    public void The_banks_payout_carries_its_peoples_share_with_its_own()
    {
        var invoice = PersonalInvoice(units: 1_000, amount: 5_000);

        Assert.Equal((3_850L, 550L, 4_400L), (invoice.ProviderShareMinor, invoice.DataSubjectsShareMinor, invoice.PayoutMinor));
    }

    [Fact]
    public async Task Without_a_record_of_provision_nothing_is_divided()
    {
        var earnings = new MemoryEarnings();
        var distribution = new SubjectShareDistribution(earnings, NullLogger<SubjectShareDistribution>.Instance);

        Assert.Empty(await distribution.ServedAsync("c1", "2026-11"));
        Assert.Equal(0, await distribution.RecordAsync(PersonalInvoice(units: 10, amount: 50)));
        Assert.Empty(earnings.Stored);
    }

    private static Invoice PersonalInvoice(long units, long amount)
    {
        var computed = InvoiceCalculation.Summarise(
            [new InvoiceLine(1, InvoiceLineKind.Usage, "2026-11", units, units, UsageUnit.Record, amount, 1000)], 2000, "bank", "marketplace", 1_000);
        InvoiceParty Party(string id) => new(id, id, null);
        return new Invoice("inv-2026-11-c1", InvoiceKind.Invoice, "2026-11", "c1", "off", "Health checks", Plan.Currency, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            Party("buyer"), Party("bank"), Party("marketplace"), false, computed.Lines, computed.Taxes, computed.NetMinor, computed.TaxMinor, computed.TotalMinor,
            computed.Shares, 2000, DataSubjectShareBasisPoints: 1_000);
    }

    private sealed class MemoryEarnings : ISubjectEarnings
    {
        public ConcurrentDictionary<(string InvoiceId, string SubjectId), SubjectEarning> Stored { get; } = new();

        public Task PutAsync(IReadOnlyList<SubjectEarning> earnings, CancellationToken cancellationToken = default)
        {
            foreach (var earning in earnings)
            {
                Stored[(earning.InvoiceId, earning.SubjectId)] = earning;
            }
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<SubjectEarning>> ListBySubjectAsync(string bankId, string subjectId, SubjectEarningPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }

    private sealed class Counts(IReadOnlyList<ProvisionCount> counts) : IProvisionLog
    {
        public Task AppendAsync(IReadOnlyList<Provision> provisions, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Provision>> ListBySubjectAsync(string bankId, string subjectId, (DateTimeOffset At, string EventId)? before, int pageSize, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<ProvisionCount>> CountByContractAsync(string contractId, string period, CancellationToken cancellationToken = default) =>
            Task.FromResult(counts);

        public Task<int> PruneAsync(DateTimeOffset before, int maxEvents, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
