using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Tests;

/// <summary>How the store sets up its client and containers, and how long it retries (no server needed).</summary>
public sealed class CosmosAccountSettingsTests
{
    [Fact]
    public async Task A_call_that_keeps_failing_gives_up_within_the_retry_budget_sdk_retries_included()
    {
        var options = Budgeted(TimeSpan.FromSeconds(10));
        var clock = new JumpingClock();
        var policy = new CosmosRetryPolicy(options, clock);
        var attempts = 0;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => policy.ExecuteAsync<int>("test", _ =>
        {
            attempts++;
            clock.Advance(options.SdkRateLimitedRetryWait); // the SDK's own 429 retries inside this attempt
            throw Unavailable();
        }, CancellationToken.None));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, options.RetryBudget);
        Assert.InRange(attempts, 2, 10);
    }

    [Fact]
    public async Task A_longer_retry_budget_allows_more_attempts()
    {
        var shortAttempts = await AttemptsWithin(TimeSpan.FromSeconds(10));
        var longAttempts = await AttemptsWithin(TimeSpan.FromSeconds(60));

        Assert.True(longAttempts > shortAttempts, $"{longAttempts} attempts in 60 s, {shortAttempts} in 10 s");
    }

    [Fact]
    public void The_sdk_retries_throttled_requests_for_at_most_a_quarter_of_the_retry_budget()
    {
        var options = new CosmosStoreOptions { Endpoint = "https://127.0.0.1:8081/", RetryBudget = TimeSpan.FromSeconds(8), RateLimitedRetryWait = TimeSpan.FromSeconds(30) };

        Assert.Equal(TimeSpan.FromSeconds(2), CosmosStore.ClientOptions(options).MaxRetryWaitTimeOnRateLimitedRequests);
    }

    [Theory]
    [InlineData("https://marketplace.documents.azure.com:443/", ConnectionMode.Direct)]
    [InlineData("https://127.0.0.1:8081/", ConnectionMode.Gateway)]
    [InlineData("https://localhost:8081/", ConnectionMode.Gateway)]
    public void Production_endpoints_connect_directly_and_local_servers_through_the_gateway(string endpoint, ConnectionMode expected)
    {
        Assert.Equal(expected, CosmosStore.ClientOptions(new CosmosStoreOptions { Endpoint = endpoint }).ConnectionMode);
    }

    [Fact]
    public void An_explicit_connection_mode_wins()
    {
        var options = new CosmosStoreOptions { Endpoint = "https://marketplace.documents.azure.com:443/", ConnectionMode = ConnectionMode.Gateway };

        Assert.Equal(ConnectionMode.Gateway, CosmosStore.ClientOptions(options).ConnectionMode);
    }

    [Fact]
    public void The_client_reads_with_session_consistency()
    {
        Assert.Equal(ConsistencyLevel.Session, CosmosStore.ClientOptions(new CosmosStoreOptions { Endpoint = "https://127.0.0.1:8081/" }).ConsistencyLevel);
    }

    [Fact]
    public void Each_container_gets_its_own_autoscale_throughput_with_per_container_overrides()
    {
        var options = new CosmosStoreOptions { AutoscaleMaxThroughput = 1_000 };
        options.ContainerAutoscaleMaxThroughput[CosmosStore.UsageContainer] = 40_000;

        Assert.Equal(1_000, CosmosStore.Throughput(options, CosmosStore.CatalogContainer)?.AutoscaleMaxThroughput);
        Assert.Equal(40_000, CosmosStore.Throughput(options, CosmosStore.UsageContainer)?.AutoscaleMaxThroughput);
        Assert.Null(CosmosStore.Throughput(new CosmosStoreOptions(), CosmosStore.UsageContainer));
    }

    [Fact]
    public void Claims_and_record_pages_have_their_composite_indexes()
    {
        var containers = CosmosStore.ContainerDefinitions().ToDictionary(c => c.Id);

        Assert.Contains(containers[CosmosStore.OutboxContainer].IndexingPolicy.CompositeIndexes, Paths("/status", "/dueAt"));
        Assert.Contains(containers[CosmosStore.RecordsContainer].IndexingPolicy.CompositeIndexes, Paths("/a", "/seq"));
    }

    [Fact]
    public void The_catalog_and_grain_state_index_nothing()
    {
        var containers = CosmosStore.ContainerDefinitions().ToDictionary(c => c.Id);

        foreach (var name in new[] { CosmosStore.CatalogContainer, CosmosStore.GrainStateContainer })
        {
            Assert.Empty(containers[name].IndexingPolicy.IncludedPaths);
            Assert.Equal(["/*"], containers[name].IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        }
    }

    private static Predicate<System.Collections.ObjectModel.Collection<CompositePath>> Paths(params string[] paths) =>
        composite => composite.Select(p => p.Path).SequenceEqual(paths);

    private static async Task<int> AttemptsWithin(TimeSpan budget)
    {
        var clock = new JumpingClock();
        var policy = new CosmosRetryPolicy(Budgeted(budget), clock);
        var attempts = 0;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => policy.ExecuteAsync<int>("test", _ =>
        {
            attempts++;
            throw Unavailable();
        }, CancellationToken.None));
        return attempts;
    }

    private static CosmosStoreOptions Budgeted(TimeSpan budget) => new()
    {
        RetryBudget = budget,
        TransientRetries = 1_000,
        RetryBaseDelay = TimeSpan.FromSeconds(1),
        RetryMaxDelay = TimeSpan.FromSeconds(4),
        RateLimitedRetryWait = TimeSpan.FromSeconds(1),
    };

    private static CosmosException Unavailable() => new("Injected.", HttpStatusCode.ServiceUnavailable, 0, "", 0);

    /// <summary>A clock whose timers fire at once, moving the clock to their due time: retries take no real time.</summary>
    private sealed class JumpingClock : TimeProvider
    {
        private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private long ticks;

        public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref ticks));

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override DateTimeOffset GetUtcNow() => Start + Elapsed;

        public override long GetTimestamp() => Interlocked.Read(ref ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Advance(dueTime);
                ThreadPool.QueueUserWorkItem(_ => callback(state));
            }

            return new Fired();
        }

        private sealed class Fired : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
