using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Indexes;

/// <summary>
/// People's earnings on Cosmos (<see cref="SubjectEarningDocument"/>): one partition per person at their bank, one
/// document per invoice, upserted, so a repeated write converges. A page is one partition's
/// <c>SELECT TOP n … WHERE c.k &gt; @after ORDER BY c.k</c>. People of one invoice are in different partitions, so
/// a batch is written as parallel upserts (a bounded number at a time), each retried on its own.
/// </summary>
public sealed class CosmosSubjectEarnings(CosmosStore store) : ISubjectEarnings
{
    /// <summary>Upserts in flight at once for one batch.</summary>
    private const int Parallelism = 16;

    public async Task PutAsync(IReadOnlyList<SubjectEarning> earnings, CancellationToken cancellationToken = default)
    {
        SubjectEarningLimits.Check(earnings);
        if (earnings.Count == 0)
        {
            return;
        }
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(earnings, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (earning, ct) =>
            {
                var document = SubjectEarningDocument.For(earning);
                await store.Retry.ExecuteAsync("upsert subject earning", c => container.UpsertItemAsync(
                    document, new PartitionKey(document.PartitionKey), cancellationToken: c), ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SubjectEarning>> ListBySubjectAsync(
        string bankId, string subjectId, SubjectEarningPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        SubjectEarningLimits.CheckList(bankId, subjectId, after, pageSize);
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT TOP @n * FROM c WHERE c.kind = @kind AND c.k > @after ORDER BY c.k")
            .WithParameter("@n", pageSize)
            .WithParameter("@kind", SubjectEarningDocument.List)
            .WithParameter("@after", after is null ? "" : SubjectEarningDocument.SortKeyFor(after.Period, after.InvoiceId));
        var options = new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(SubjectEarningDocument.PartitionFor(bankId, subjectId)),
            MaxItemCount = pageSize,
        };
        var documents = new List<SubjectEarningDocument>();
        using var iterator = container.GetItemQueryIterator<SubjectEarningDocument>(query, requestOptions: options);
        while (documents.Count < pageSize && iterator.HasMoreResults)
        {
            documents.AddRange(await store.Retry.ExecuteAsync("read subject earnings", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
        }
        return [.. documents.Take(pageSize).Select(d => d.ToEarning())];
    }
}
