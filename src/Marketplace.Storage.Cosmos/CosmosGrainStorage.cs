using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Marketplace.Storage.Cosmos;

/// <summary>
/// Orleans grain state, one document per (grain, state name), partitioned by grain id so no grain type ever
/// becomes one hot logical partition. The ETag is Cosmos's own <c>_etag</c>: a first write is a create (409 =
/// someone else wrote first), later writes and clears are conditional on it (412 = stale). Both become
/// <see cref="InconsistentStateException"/>. Each write carries a fresh token so that a retry whose first
/// attempt did land (the answer was lost) recognises its own write instead of reporting a false conflict.
/// </summary>
public sealed class CosmosGrainStorage(CosmosStore store, Serializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var container = await store.ContainerAsync(CosmosStore.GrainStateContainer, CancellationToken.None).ConfigureAwait(false);
        var (document, etag) = await ReadAsync(container, stateName, grainId).ConfigureAwait(false);
        if (document is null)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = serializer.Deserialize<T>(Convert.FromBase64String(document.Payload));
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var container = await store.ContainerAsync(CosmosStore.GrainStateContainer, CancellationToken.None).ConfigureAwait(false);
        var document = new GrainStateDocument
        {
            Id = DocumentId(stateName),
            PartitionKey = grainId.ToString(),
            StateName = stateName,
            Payload = Convert.ToBase64String(serializer.SerializeToArray(grainState.State)),
            WriteToken = Guid.NewGuid().ToString("N"),
        };
        var partitionKey = new PartitionKey(document.PartitionKey);
        var expected = grainState.ETag;
        try
        {
            var response = await store.Retry.ExecuteAsync("write grain state", ct => expected is null
                ? container.CreateItemAsync(document, partitionKey, cancellationToken: ct)
                : container.ReplaceItemAsync(document, document.Id, partitionKey, new ItemRequestOptions { IfMatchEtag = expected }, ct),
                CancellationToken.None).ConfigureAwait(false);
            grainState.ETag = response.ETag;
        }
        catch (CosmosException exception) when (exception.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            var (stored, storedETag) = await ReadAsync(container, stateName, grainId).ConfigureAwait(false);
            if (stored?.WriteToken != document.WriteToken)
            {
                throw Conflict("write", stateName, grainId, storedETag, expected);
            }

            // Our own earlier attempt landed; its answer was lost on the way back.
            grainState.ETag = storedETag;
        }

        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var container = await store.ContainerAsync(CosmosStore.GrainStateContainer, CancellationToken.None).ConfigureAwait(false);
        var expected = grainState.ETag;
        if (expected is null)
        {
            // Nothing to delete unless someone else wrote meanwhile, which is a conflict.
            var (_, storedETag) = await ReadAsync(container, stateName, grainId).ConfigureAwait(false);
            if (storedETag is not null)
            {
                throw Conflict("clear", stateName, grainId, storedETag, expected);
            }
        }
        else
        {
            try
            {
                await store.Retry.ExecuteAsync("clear grain state", ct => container.DeleteItemAsync<GrainStateDocument>(
                    DocumentId(stateName), new PartitionKey(grainId.ToString()), new ItemRequestOptions { IfMatchEtag = expected }, ct),
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
            {
                // Already gone: the state is cleared either way (possibly by our own attempt whose answer was lost).
            }
            catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                var (_, storedETag) = await ReadAsync(container, stateName, grainId).ConfigureAwait(false);
                throw Conflict("clear", stateName, grainId, storedETag, expected);
            }
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task<(GrainStateDocument? Document, string? ETag)> ReadAsync(Container container, string stateName, GrainId grainId)
    {
        try
        {
            var response = await store.Retry.ExecuteAsync("read grain state", ct => container.ReadItemAsync<GrainStateDocument>(
                DocumentId(stateName), new PartitionKey(grainId.ToString()), cancellationToken: ct), CancellationToken.None).ConfigureAwait(false);
            return (response.Resource, response.ETag);
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }
    }

    private static string DocumentId(string stateName) => DocumentIds.For("", stateName);

    private static InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? stored, string? expected) =>
        new($"Cannot {operation} state '{stateName}' of grain '{grainId}': stored ETag '{stored}', expected '{expected}'.", stored, expected);

    internal sealed class GrainStateDocument
    {
        [JsonPropertyName("id")] public required string Id { get; init; }

        [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

        [JsonPropertyName("state")] public required string StateName { get; init; }

        /// <summary>The state serialized by the Orleans serializer, base64.</summary>
        [JsonPropertyName("payload")] public required string Payload { get; init; }

        [JsonPropertyName("w")] public required string WriteToken { get; init; }
    }
}
