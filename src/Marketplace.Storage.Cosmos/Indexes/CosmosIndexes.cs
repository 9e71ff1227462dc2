using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Indexes;

/// <summary>
/// Holdings on Cosmos: one document per entry per list it appears in, upserted with content derived from the
/// owner's stored state (so a repeat converges). A page is <c>SELECT TOP n … WHERE c.k &gt; @after ORDER BY
/// c.k</c> in the list's partition; the operator's lists of everything are the same query across partitions.
/// </summary>
public sealed class CosmosHoldingsIndex(CosmosStore store) : IHoldingsIndex
{
    public Task AddDatasetAsync(HoldingEntry dataset, CancellationToken cancellationToken = default)
    {
        IndexLimits.CheckHolding(dataset);
        return CosmosIndexQueries.UpsertAsync(store, [IndexDocument.ForHolding(IndexDocument.Dataset, dataset)], cancellationToken);
    }

    public Task AddOfferingAsync(HoldingEntry offering, CancellationToken cancellationToken = default)
    {
        IndexLimits.CheckHolding(offering);
        return CosmosIndexQueries.UpsertAsync(store, [IndexDocument.ForHolding(IndexDocument.Offering, offering)], cancellationToken);
    }

    public Task<IndexPage<HoldingEntry>> ListDatasetsAsync(string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
        ListHoldingsAsync(IndexDocument.Dataset, providerId, after, pageSize, cancellationToken);

    public Task<IndexPage<HoldingEntry>> ListOfferingsAsync(string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
        ListHoldingsAsync(IndexDocument.Offering, providerId, after, pageSize, cancellationToken);

    public Task PutContractAsync(ContractEntry contract, CancellationToken cancellationToken = default)
    {
        IndexLimits.CheckContract(contract);
        return CosmosIndexQueries.UpsertAsync(store, [.. IndexDocument.ForContract(contract)], cancellationToken);
    }

    public async Task<IndexPage<ContractEntry>> ListContractsAsync(ContractQuery query, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        IndexLimits.CheckPage(after, pageSize);
        var window = query.WindowFor(pageSize);
        // The narrowest list that holds every match; the rest of the query is filtered within the window.
        var (kind, owner, buyer) = query switch
        {
            { OfferingId: { } o, BuyerId: { } b } => (IndexDocument.ContractOfOffering, o, b),
            { OfferingId: { } o } => (IndexDocument.ContractOfOffering, o, null),
            { BuyerId: { } b } => (IndexDocument.ContractOfBuyer, b, null),
            { ProviderId: { } p } => (IndexDocument.ContractOfProvider, p, (string?)null),
            _ => (IndexDocument.ContractOfProvider, null, null),
        };
        var scanned = await CosmosIndexQueries.ReadAsync(store, kind, owner is null ? null : IndexDocument.PartitionFor(kind, owner), buyer, after, window, cancellationToken)
            .ConfigureAwait(false);
        return IndexLimits.PageOf([.. scanned.Select(d => d.ToContract())], window, pageSize, query.Matches, c => c.Position);
    }

    private async Task<IndexPage<HoldingEntry>> ListHoldingsAsync(string kind, string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken)
    {
        IndexLimits.CheckPage(after, pageSize);
        var partition = providerId is null ? null : IndexDocument.PartitionFor(kind, providerId);
        var scanned = await CosmosIndexQueries.ReadAsync(store, kind, partition, null, after, pageSize + 1, cancellationToken).ConfigureAwait(false);
        return IndexLimits.PageOf([.. scanned.Select(d => d.ToHolding())], pageSize + 1, pageSize, _ => true, h => h.Position);
    }
}

/// <summary>The party directory on Cosmos: one partition, one document per party.</summary>
public sealed class CosmosPartyDirectory(CosmosStore store) : IPartyDirectory
{
    public Task PutAsync(PartyEntry party, CancellationToken cancellationToken = default)
    {
        IndexLimits.CheckParty(party);
        return CosmosIndexQueries.UpsertAsync(store, [IndexDocument.ForParty(party)], cancellationToken);
    }

    public async Task<IndexPage<PartyEntry>> ListAsync(IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        IndexLimits.CheckPage(after, pageSize);
        var scanned = await CosmosIndexQueries.ReadAsync(store, IndexDocument.Party, IndexDocument.DirectoryPartition, null, after, pageSize + 1, cancellationToken)
            .ConfigureAwait(false);
        return IndexLimits.PageOf([.. scanned.Select(d => d.ToParty())], pageSize + 1, pageSize, _ => true, p => p.Position);
    }
}

internal static class CosmosIndexQueries
{
    public static async Task UpsertAsync(CosmosStore store, IReadOnlyList<IndexDocument> documents, CancellationToken cancellationToken)
    {
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(documents.Select(document => store.Retry.ExecuteAsync("upsert index entry", ct => container.UpsertItemAsync(
            document, new PartitionKey(document.PartitionKey), cancellationToken: ct), cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="window"/> entries of one kind after <paramref name="after"/>, in sort-key order.</summary>
    public static async Task<List<IndexDocument>> ReadAsync(
        CosmosStore store, string kind, string? partition, string? buyerId, IndexPosition? after, int window, CancellationToken cancellationToken)
    {
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, cancellationToken).ConfigureAwait(false);
        var sql = "SELECT TOP @window * FROM c WHERE c.kind = @kind AND c.k > @after"
            + (buyerId is null ? "" : " AND c.buyerId = @buyer")
            + " ORDER BY c.k";
        var query = new QueryDefinition(sql)
            .WithParameter("@window", window)
            .WithParameter("@kind", kind)
            .WithParameter("@after", after?.SortKey ?? "");
        if (buyerId is not null)
        {
            query = query.WithParameter("@buyer", buyerId);
        }

        var options = new QueryRequestOptions { MaxItemCount = window };
        if (partition is not null)
        {
            options.PartitionKey = new PartitionKey(partition);
        }

        var documents = new List<IndexDocument>();
        using var iterator = container.GetItemQueryIterator<IndexDocument>(query, requestOptions: options);
        while (documents.Count < window && iterator.HasMoreResults)
        {
            documents.AddRange(await store.Retry.ExecuteAsync("read index page", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
        }

        return documents.Count > window ? documents[..window] : documents;
    }
}
