using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Indexes;

/// <summary>
/// Invoices on Cosmos: four copies of each entry (<see cref="InvoiceDocument"/>), one in each list it belongs
/// to, upserted with the invoice's stored content, so a repeat or a retry after a partial failure converges. A
/// page reads the narrowest list named (contract, buyer, provider, then period) as one partition's
/// <c>SELECT TOP n … WHERE c.k &gt; @after [AND c.period = @period …] ORDER BY c.k</c>: the other fields are
/// equalities every copy carries, so the server filters and the page is exact. With nothing named (the
/// operator), the period copies are read across partitions: each invoice has exactly one.
/// </summary>
public sealed class CosmosInvoiceIndex(CosmosStore store) : IInvoiceIndex
{
    public async Task PutAsync(InvoiceEntry invoice, CancellationToken cancellationToken = default)
    {
        InvoiceEntries.Check(invoice);
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, cancellationToken).ConfigureAwait(false);
        // Each copy carries the whole entry, so the status reaches every list; a copy that failed is written
        // again by the invoice's retry or its next write.
        await Task.WhenAll(InvoiceDocument.For(invoice).Select(document => store.Retry.ExecuteAsync("upsert invoice entry", ct => container.UpsertItemAsync(
            document, new PartitionKey(document.PartitionKey), cancellationToken: ct), cancellationToken))).ConfigureAwait(false);
    }

    public async Task<IndexPage<InvoiceEntry>> ListAsync(InvoiceQuery query, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        IndexLimits.CheckPage(after, pageSize);
        var (list, owner) = query switch
        {
            { ContractId: { } c } => (InvoiceDocument.OfContract, c),
            { BuyerId: { } b } => (InvoiceDocument.OfBuyer, b),
            { ProviderId: { } v } => (InvoiceDocument.OfProvider, v),
            { Period: { } p } => (InvoiceDocument.OfPeriod, p),
            _ => (InvoiceDocument.OfPeriod, (string?)null),
        };
        var filters = new List<(string Field, string Value)>(3);
        AddFilter(filters, list, InvoiceDocument.OfContract, "contractId", query.ContractId);
        AddFilter(filters, list, InvoiceDocument.OfBuyer, "buyerId", query.BuyerId);
        AddFilter(filters, list, InvoiceDocument.OfProvider, "providerId", query.ProviderId);
        AddFilter(filters, list, InvoiceDocument.OfPeriod, "period", query.Period);

        var window = pageSize + 1;
        var partition = owner is null ? null : InvoiceDocument.PartitionFor(list, owner);
        var scanned = await ReadAsync(list, partition, filters, after, window, cancellationToken).ConfigureAwait(false);
        return IndexLimits.PageOf([.. scanned.Select(d => d.ToEntry())], window, pageSize, query.Matches, i => i.Position);
    }

    // A field the list's partition already fixes needs no filter.
    private static void AddFilter(List<(string Field, string Value)> filters, string list, string fieldList, string field, string? value)
    {
        if (value is not null && list != fieldList)
        {
            filters.Add((field, value));
        }
    }

    private async Task<List<InvoiceDocument>> ReadAsync(
        string list, string? partition, List<(string Field, string Value)> filters, IndexPosition? after, int window, CancellationToken cancellationToken)
    {
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, cancellationToken).ConfigureAwait(false);
        var sql = "SELECT TOP @window * FROM c WHERE c.kind = @kind AND c.k > @after"
            + string.Concat(filters.Select((filter, i) => $" AND c.{filter.Field} = @f{i}"))
            + " ORDER BY c.k";
        var query = new QueryDefinition(sql)
            .WithParameter("@window", window)
            .WithParameter("@kind", list)
            .WithParameter("@after", after?.SortKey ?? "");
        for (var i = 0; i < filters.Count; i++)
        {
            query = query.WithParameter($"@f{i}", filters[i].Value);
        }

        var options = new QueryRequestOptions { MaxItemCount = window };
        if (partition is not null)
        {
            options.PartitionKey = new PartitionKey(partition);
        }

        var documents = new List<InvoiceDocument>();
        using var iterator = container.GetItemQueryIterator<InvoiceDocument>(query, requestOptions: options);
        while (documents.Count < window && iterator.HasMoreResults)
        {
            documents.AddRange(await store.Retry.ExecuteAsync("read invoice page", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
        }

        return documents.Count > window ? documents[..window] : documents;
    }
}
