namespace Marketplace.Storage;

/// <summary>
/// An invoice or credit note as lists show it. <see cref="Status"/> is the status the invoice last stored;
/// <see cref="IssuedAt"/> never changes.
/// </summary>
public sealed record InvoiceEntry(
    string InvoiceId,
    string Kind,
    string Period,
    string ContractId,
    string BuyerId,
    string ProviderId,
    string Status,
    long TotalMinor,
    string Currency,
    DateTimeOffset IssuedAt)
{
    public IndexPosition Position => new(IssuedAt, InvoiceId);
}

/// <summary>
/// Which invoices to list: a period's, a buyer's, a provider's or a contract's, or any combination. With none set,
/// every invoice (the operator).
/// </summary>
public sealed record InvoiceQuery(string? Period = null, string? BuyerId = null, string? ProviderId = null, string? ContractId = null)
{
    public bool Matches(InvoiceEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (Period is null || entry.Period == Period)
            && (BuyerId is null || entry.BuyerId == BuyerId)
            && (ProviderId is null || entry.ProviderId == ProviderId)
            && (ContractId is null || entry.ContractId == ContractId);
    }
}

/// <summary>Invoices by period, buyer, provider and contract; written by the invoice itself after storing its state.</summary>
public interface IInvoiceIndex
{
    /// <summary>Creates the invoice's entry or brings its status up to date; writing it again is harmless.</summary>
    Task PutAsync(InvoiceEntry invoice, CancellationToken cancellationToken = default);

    /// <summary>A page of invoices matching <paramref name="query"/> in (issue time, id) order after <paramref name="after"/>.</summary>
    Task<IndexPage<InvoiceEntry>> ListAsync(InvoiceQuery query, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default);
}

public static class InvoiceEntries
{
    public static void Check(InvoiceEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.InvoiceId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Kind, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Period, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.ContractId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.BuyerId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.ProviderId, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Status, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Currency, nameof(entry));
    }
}
