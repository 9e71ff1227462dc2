namespace Marketplace.Storage.Cosmos.Tests.Faults;

/// <summary>A test's own database reached through <see cref="CosmosTraffic"/>, with short retry budgets.</summary>
internal sealed class FaultyStores(CosmosServer server) : IAsyncDisposable
{
    public const int TransientRetries = 3;

    private readonly CosmosTestStores stores = new(server);

    public CosmosTraffic Traffic { get; } = new();

    public CosmosStore Open(TimeProvider? time = null, Action<CosmosStoreOptions>? configure = null) => stores.Open(options =>
    {
        options.WrapHttpHandler = Traffic.Wrap;
        options.TransientRetries = TransientRetries;
        options.RateLimitedRetries = 1;
        configure?.Invoke(options);
    }, time);

    public ValueTask DisposeAsync()
    {
        Traffic.Heal();
        return stores.DisposeAsync();
    }
}
