using System.Net;
using Marketplace.Domain;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Consent;

/// <summary>
/// Consents and people's standing on Cosmos (see DESIGN.md, "Consent"): one partition per person at a bank holds their
/// grants and their standing. A write is stored only over an older version: create when absent (409: someone was
/// first, look again), otherwise a replace with If-Match on the version read (412: changed meanwhile, look again). A
/// lookup of a page's people is one query across partitions served by the index on <c>subjectId</c>.
/// </summary>
public sealed class CosmosConsentIndex(CosmosStore store) : IConsentIndex
{
    // Each round is lost only to another write of the same document; past this many the document is too contested to settle.
    private const int MaxRounds = 16;

    public async Task<bool> PutAsync(ConsentGrant grant, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckGrant(grant);
        var document = GrantDocument.For(grant);
        var container = await store.ContainerAsync(CosmosStore.ConsentContainer, cancellationToken).ConfigureAwait(false);
        return await PutNewerAsync(container, document, document.Id, document.PartitionKey, document.Version, d => d.Version, d => d.WriteToken,
            d => d.ETag, "consent grant", cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ConsentGrant>> FindBySubjectsAsync(string bankId, IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
    {
        var ids = ConsentPortArguments.CheckLookup(bankId, subjectIds);
        if (ids.Length == 0)
        {
            return [];
        }
        var query = new QueryDefinition("SELECT c.g FROM c WHERE c.kind = @kind AND c.bankId = @bank AND ARRAY_CONTAINS(@ids, c.subjectId)")
            .WithParameter("@kind", GrantDocument.Kind)
            .WithParameter("@bank", bankId)
            .WithParameter("@ids", ids);
        var rows = await QueryAllAsync<GrantRow>(query, "find consents", cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => ConsentGrantJson.Deserialize(r.Grant))];
    }

    public async Task<IReadOnlyList<ConsentGrant>> ListByScopeAsync(string bankId, ConsentScope scope, string? afterRecordId, int pageSize, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckScopePage(bankId, scope, pageSize);
        var container = await store.ContainerAsync(CosmosStore.ConsentContainer, cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition(
            "SELECT TOP @take c.g FROM c WHERE c.kind = @kind AND c.bankId = @bank AND c.scope = @scope AND c.recordId > @after ORDER BY c.recordId")
            .WithParameter("@take", pageSize)
            .WithParameter("@kind", GrantDocument.Kind)
            .WithParameter("@bank", bankId)
            .WithParameter("@scope", scope.ToString())
            .WithParameter("@after", afterRecordId ?? "");
        var grants = new List<ConsentGrant>(Math.Min(pageSize, 256));
        using var iterator = container.GetItemQueryIterator<GrantRow>(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize });
        while (grants.Count < pageSize && iterator.HasMoreResults)
        {
            var rows = await store.Retry.ExecuteAsync("list consents by scope", iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false);
            grants.AddRange(rows.Select(r => ConsentGrantJson.Deserialize(r.Grant)));
        }
        return grants.Count > pageSize ? grants[..pageSize] : grants;
    }

    public async Task<bool> PutSubjectAsync(SubjectEntry subject, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckSubject(subject);
        var document = SubjectDocument.For(subject);
        var container = await store.ContainerAsync(CosmosStore.ConsentContainer, cancellationToken).ConfigureAwait(false);
        return await PutNewerAsync(container, document, document.Id, document.PartitionKey, document.Version, d => d.Version, d => d.WriteToken,
            d => d.ETag, "subject", cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SubjectEntry>> FindSubjectsAsync(string bankId, IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
    {
        var ids = ConsentPortArguments.CheckLookup(bankId, subjectIds);
        if (ids.Length == 0)
        {
            return [];
        }
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND c.bankId = @bank AND ARRAY_CONTAINS(@ids, c.subjectId)")
            .WithParameter("@kind", SubjectDocument.Kind)
            .WithParameter("@bank", bankId)
            .WithParameter("@ids", ids);
        var documents = await QueryAllAsync<SubjectDocument>(query, "find subjects", cancellationToken).ConfigureAwait(false);
        return [.. documents.Select(d => d.ToEntry())];
    }

    private async Task<List<T>> QueryAllAsync<T>(QueryDefinition query, string operation, CancellationToken cancellationToken)
    {
        var container = await store.ContainerAsync(CosmosStore.ConsentContainer, cancellationToken).ConfigureAwait(false);
        var results = new List<T>();
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: new QueryRequestOptions { MaxItemCount = ConsentIndexLimits.MaxSubjectsPerLookup });
        while (iterator.HasMoreResults)
        {
            results.AddRange(await store.Retry.ExecuteAsync(operation, iterator.ReadNextAsync, cancellationToken).ConfigureAwait(false));
        }
        return results;
    }

    private async Task<bool> PutNewerAsync<T>(
        Container container, T document, string id, string partitionKey, int version,
        Func<T, int> versionOf, Func<T, string> tokenOf, Func<T, string?> etagOf, string what, CancellationToken cancellationToken)
    {
        var key = new PartitionKey(partitionKey);
        var ownToken = tokenOf(document);
        for (var round = 0; round < MaxRounds; round++)
        {
            var stored = await ReadAsync<T>(container, id, key, what, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                if (tokenOf(stored) == ownToken)
                {
                    return true; // an earlier attempt of this call landed; its answer was lost
                }
                if (versionOf(stored) >= version)
                {
                    return false;
                }
            }
            try
            {
                await store.Retry.ExecuteAsync($"store {what}", ct => stored is null
                    ? container.CreateItemAsync(document, key, cancellationToken: ct)
                    : container.ReplaceItemAsync(document, id, key, new ItemRequestOptions { IfMatchEtag = etagOf(stored) }, ct),
                    cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (CosmosException exception) when (exception.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                // Another write came first (or a retried write of ours did): read what is stored now and decide again.
            }
        }
        throw new StoreUnavailableException($"The {what} '{id}' kept changing while it was being stored; try again.");
    }

    private async Task<T?> ReadAsync<T>(Container container, string id, PartitionKey key, string what, CancellationToken cancellationToken)
    {
        try
        {
            var response = await store.Retry.ExecuteAsync($"read {what}", ct => container.ReadItemAsync<T>(id, key, cancellationToken: ct), cancellationToken)
                .ConfigureAwait(false);
            return response.Resource;
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return default;
        }
    }
}
