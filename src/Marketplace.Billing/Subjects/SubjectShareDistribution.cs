using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;

namespace Marketplace.Billing.Subjects;

/// <summary>
/// Divides the people's share of an invoice (or credit note) on personal data among the people whose records the
/// contract was served in the invoice's period, as the record of provision counts them, and stores each person's
/// part (<see cref="ISubjectEarnings"/>). Writing again writes the same parts: the invoice's share is fixed when it
/// is issued and the record of provision only grows, so a close run again after stopping half-way converges.
/// A credit note's (negative) people's share is divided by the same counts as its invoice's, so it takes back from
/// each person in proportion to what they were paid. An invoice's late-usage adjustment lines share in its pool too,
/// divided like the rest by the people of the invoice's own period: the record of provision cannot tell which earlier
/// provisions reached the ledger late, and their people already shared in their own period's invoice.
/// </summary>
public sealed partial class SubjectShareDistribution(ISubjectEarnings earnings, ILogger<SubjectShareDistribution> logger, IProvisionLog? provisions = null)
{
    // IProvisionLog is optional until every store has an adapter of it: without one nobody is on record, so personal
    // invoices carry no people's share (it stays with the provider) and nothing is divided.

    /// <summary>Per person, what the contract was served of theirs in the period; empty without a record of provision.</summary>
    public async Task<IReadOnlyList<SubjectServed>> ServedAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        if (provisions is null)
        {
            return [];
        }
        var counts = await provisions.CountByContractAsync(contractId, period, cancellationToken);
        return [.. counts.Select(c => new SubjectServed(c.SubjectId, c.Records, c.Counted))];
    }

    /// <summary>Stores each person's part of the document's people's share; returns how many people got one (0 without a share).</summary>
    public async Task<int> RecordAsync(Invoice document, IReadOnlyList<SubjectServed>? served = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var pool = document.DataSubjectsShareMinor;
        if (pool == 0)
        {
            return 0;
        }
        var parts = DataSubjectShare.Divide(pool, served ?? await ServedAsync(document.ContractId, document.Period, cancellationToken));
        if (parts.Count == 0)
        {
            // Cannot happen through the close (it gives a share only when someone was served, and provisions are kept):
            // said loudly, so the bank's statement and its people's earnings are looked at.
            LogNobodyToPay(logger, document.Id, pool);
            return 0;
        }
        var credit = document.Kind == InvoiceKind.CreditNote;
        var entries = parts.Select(p => new SubjectEarning(
            document.Provider.Id, p.SubjectId, document.Id, document.Period, document.ContractId, document.Buyer.Id, p.AmountMinor, document.Currency.Code,
            // A credit note takes money back; it pays for no records of its own, so a period's records are counted once.
            credit ? 0 : p.Records, credit ? 0 : p.Counted)).ToList();
        foreach (var batch in entries.Chunk(SubjectEarningLimits.MaxBatch))
        {
            await earnings.PutAsync(batch, cancellationToken);
        }
        return parts.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Invoice {InvoiceId} carries a people's share of {Pool} minor units but nobody is on record for it; nothing was divided")]
    private static partial void LogNobodyToPay(ILogger logger, string invoiceId, long pool);
}
