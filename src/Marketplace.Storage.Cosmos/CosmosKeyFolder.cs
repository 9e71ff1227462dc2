using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos;

/// <summary>
/// A key folder in the shared store, so every host of a cluster reads the same keys: container <c>indexes</c>,
/// partition <c>keys/{folder}</c> (one small partition per folder), one document per entry, created if absent (a 409
/// is another host's same entry: theirs stays). Synchronous over the SDK's asynchronous calls, as the folder's
/// readers are; they cache what they read, so this is called rarely.
/// </summary>
public sealed class CosmosKeyFolder(CosmosStore store, string folder) : IKeyFolder
{
    private readonly PartitionKey _partition = new(DocumentIds.Join("keys", folder));

    public IReadOnlyList<string> Names() => Run(async ct =>
    {
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, ct).ConfigureAwait(false);
        var names = new List<string>();
        using var iterator = container.GetItemQueryIterator<KeyEntry>(new QueryDefinition("SELECT c.id, c.name, c.text FROM c"),
            requestOptions: new QueryRequestOptions { PartitionKey = _partition });
        while (iterator.HasMoreResults)
        {
            names.AddRange((await store.Retry.ExecuteAsync("list keys", iterator.ReadNextAsync, ct).ConfigureAwait(false)).Select(e => e.Name));
        }
        return (IReadOnlyList<string>)names;
    });

    public string? Read(string name) => Run(async ct =>
    {
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, ct).ConfigureAwait(false);
        try
        {
            var response = await store.Retry.ExecuteAsync("read key", t => container.ReadItemAsync<KeyEntry>(IdOf(name), _partition, cancellationToken: t), ct)
                .ConfigureAwait(false);
            return response.Resource.Text;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    });

    public void CreateNew(string name, string text) => Run(async ct =>
    {
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, ct).ConfigureAwait(false);
        var entry = new KeyEntry { Id = IdOf(name), PartitionKey = DocumentIds.Join("keys", folder), Name = name, Text = text };
        try
        {
            await store.Retry.ExecuteAsync("store key", t => container.CreateItemAsync(entry, _partition, cancellationToken: t), ct).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Another host made it first (or this call's own first attempt did): the first stays.
        }
        return true;
    });

    public void Delete(string name) => Run(async ct =>
    {
        var container = await store.ContainerAsync(CosmosStore.IndexesContainer, ct).ConfigureAwait(false);
        try
        {
            await store.Retry.ExecuteAsync("delete key", t => container.DeleteItemAsync<KeyEntry>(IdOf(name), _partition, cancellationToken: t), ct)
                .ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
        return true;
    });

    private static string IdOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return DocumentIds.For("k.", name);
    }

    // The folder's callers are synchronous; the SDK's calls run on the thread pool (ConfigureAwait(false)), so
    // blocking here cannot wait on the caller's own context.
    private static T Run<T>(Func<CancellationToken, Task<T>> call) => Task.Run(() => call(CancellationToken.None)).GetAwaiter().GetResult();

    private sealed class KeyEntry
    {
        [JsonPropertyName("id")] public string Id { get; init; } = "";

        [JsonPropertyName("pk")] public string PartitionKey { get; init; } = "";

        [JsonPropertyName("name")] public string Name { get; init; } = "";

        [JsonPropertyName("text")] public string Text { get; init; } = "";
    }
}
