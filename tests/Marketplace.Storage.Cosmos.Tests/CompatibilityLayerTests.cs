using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Tests;

/// <summary>
/// What tools/cosmos-emulator/compat.js promises, checked with the SDK itself: the server must behave as the
/// service does for these, or the adapter's tests would prove nothing. (The query-plan and partition-key
/// fixes are exercised by every adapter test that queries.)
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CompatibilityLayerTests(CosmosServer server) : IAsyncLifetime
{
    private readonly string _database = $"compat-{Guid.NewGuid():N}";
    private CosmosClient _client = null!;
    private Container _container = null!;

    public async Task InitializeAsync()
    {
        _client = new CosmosClient(server.Endpoint, server.Key, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            HttpClientFactory = () => new HttpClient(new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            }),
        });
        var database = (await _client.CreateDatabaseIfNotExistsAsync(_database)).Database;
        _container = (await database.CreateContainerIfNotExistsAsync("items", "/pk")).Container;
    }

    public async Task DisposeAsync()
    {
        await _client.GetDatabase(_database).DeleteAsync();
        _client.Dispose();
    }

    [Fact]
    public async Task Reading_a_missing_item_is_404_as_on_the_service()
    {
        var ex = await Assert.ThrowsAsync<CosmosException>(() => _container.ReadItemAsync<Item>("absent", new PartitionKey("p")));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task The_change_feed_continues_with_only_newer_changes_then_reports_nothing_new()
    {
        for (var i = 0; i < 5; i++)
        {
            await _container.CreateItemAsync(new Item($"a{i}", "p"), new PartitionKey("p"));
        }
        var feed = _container.GetChangeFeedIterator<Item>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);
        var first = await ReadUntilNotModifiedAsync(feed);

        await _container.CreateItemAsync(new Item("b0", "q"), new PartitionKey("q"));
        await _container.CreateItemAsync(new Item("b1", "p"), new PartitionKey("p"));
        var second = await ReadUntilNotModifiedAsync(feed);
        var third = await ReadUntilNotModifiedAsync(feed);

        Assert.Equal(["a0", "a1", "a2", "a3", "a4"], first);
        Assert.Equal(["b0", "b1"], second.Order());
        Assert.Empty(third);
    }

    private static async Task<List<string>> ReadUntilNotModifiedAsync(FeedIterator<Item> feed)
    {
        var ids = new List<string>();
        while (feed.HasMoreResults)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
            {
                break;
            }
            ids.AddRange(page.Select(item => item.id));
        }
        return ids;
    }

#pragma warning disable IDE1006, CA1812 // the service's document shape: "id" and "pk" in lower case
    private sealed record Item(string id, string pk);
#pragma warning restore IDE1006, CA1812
}
