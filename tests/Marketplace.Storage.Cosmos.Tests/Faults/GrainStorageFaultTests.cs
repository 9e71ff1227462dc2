using System.Net;
using Marketplace.Storage.Tests.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

[Collection(CosmosCollection.Name)]
public sealed class GrainStorageFaultTests(CosmosServer server) : IAsyncLifetime
{
    private const string State = "counter";
    private readonly FaultyStores stores = new(server);
    private readonly ServiceProvider services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(CounterState).Assembly))
        .BuildServiceProvider();

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task A_write_answered_503_is_retried_and_lands()
    {
        var storage = Open();
        var grain = GrainId.Create("test", "a");
        var state = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync(State, grain, state);
        Traffic.Inject("replace", CosmosStore.GrainStateContainer, Fault.Unavailable);

        state.State = new CounterState { Count = 2 };
        await storage.WriteStateAsync(State, grain, state);

        Assert.Equal((2, state.ETag), await ReadAsync(storage, grain));
        Assert.Equal(2, Traffic.Count("replace", CosmosStore.GrainStateContainer));
    }

    [Fact]
    public async Task A_first_write_whose_answer_was_lost_is_recognised_as_its_own_not_as_a_conflict()
    {
        var storage = Open();
        var grain = GrainId.Create("test", "a");
        Traffic.Inject("create", CosmosStore.GrainStateContainer, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable));

        var state = new GrainState<CounterState>(new CounterState { Count = 7 });
        await storage.WriteStateAsync(State, grain, state);

        Assert.Equal((7, state.ETag), await ReadAsync(storage, grain));
    }

    [Fact]
    public async Task A_replace_whose_answer_was_lost_is_recognised_as_its_own_not_as_a_conflict()
    {
        var storage = Open();
        var grain = GrainId.Create("test", "a");
        var state = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync(State, grain, state);
        Traffic.Inject("replace", CosmosStore.GrainStateContainer, new Fault.LoseAnswer(HttpStatusCode.RequestTimeout));

        state.State = new CounterState { Count = 2 };
        await storage.WriteStateAsync(State, grain, state);

        Assert.Equal((2, state.ETag), await ReadAsync(storage, grain));
    }

    [Fact]
    public async Task Throttling_beyond_the_sdks_own_retries_is_retried_by_the_store()
    {
        var storage = Open();
        // The SDK retries a 429 once (RateLimitedRetries = 1); four in a row outlast it, not the store's policy.
        Traffic.Inject("create", CosmosStore.GrainStateContainer, Fault.Throttled, times: 4);

        await storage.WriteStateAsync(State, GrainId.Create("test", "a"), new GrainState<CounterState>(new CounterState { Count = 1 }));

        Assert.Equal(5, Traffic.Count("create", CosmosStore.GrainStateContainer));
    }

    [Fact]
    public async Task A_dropped_connection_and_a_client_timeout_are_retried()
    {
        var storage = Open();
        var grain = GrainId.Create("test", "a");
        await storage.WriteStateAsync(State, grain, new GrainState<CounterState>(new CounterState { Count = 3 }));
        Traffic.Inject("read", CosmosStore.GrainStateContainer, new Fault.Disconnect());
        Traffic.Inject("read", CosmosStore.GrainStateContainer, new Fault.TimeOut());

        Assert.Equal(3, (await ReadAsync(storage, grain)).Count);
    }

    [Fact]
    public async Task A_write_that_keeps_failing_surfaces_as_unavailable_with_a_retry_after_and_changes_nothing()
    {
        var storage = Open();
        var grain = GrainId.Create("test", "a");
        var state = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync(State, grain, state);
        var etag = state.ETag;
        Traffic.Inject("replace", CosmosStore.GrainStateContainer, Fault.Unavailable, times: int.MaxValue);

        state.State = new CounterState { Count = 2 };
        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => storage.WriteStateAsync(State, grain, state));
        Traffic.Heal();

        Assert.True(failure.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(FaultyStores.TransientRetries + 1, Traffic.Count("replace", CosmosStore.GrainStateContainer));
        Assert.Equal((1, etag), await ReadAsync(storage, grain));
    }

    private CosmosGrainStorage Open() => new(stores.Open(), services.GetRequiredService<Serializer>());

    private static async Task<(int Count, string? ETag)> ReadAsync(IGrainStorage storage, GrainId grain)
    {
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(State, grain, read);
        return (read.State?.Count ?? -1, read.ETag);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await stores.DisposeAsync();
        await services.DisposeAsync();
    }
}
