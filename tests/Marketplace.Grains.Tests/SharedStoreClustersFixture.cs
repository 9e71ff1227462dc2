using System.Collections.Concurrent;
using Marketplace.Domain;
using Marketplace.Storage;
using Marketplace.Storage.Cosmos;
using Marketplace.Storage.Cosmos.Tests;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Marketplace.Grains.Tests;

/// <summary>
/// Two clusters of one silo each over one store, so one grain key is active in both at once: what Orleans can
/// briefly have during a membership change, and what two hosts on one store have always. The clock is this
/// fixture's own. <see cref="Faults"/> holds and fails chosen appends of the first cluster's ledger.
/// </summary>
public abstract class SharedStoreClustersFixture : IAsyncLifetime
{
    private static readonly ConcurrentDictionary<string, (FakeTimeProvider Clock, UsageLedgerFaults Faults)> Shared = new();

    private readonly string _key = Guid.NewGuid().ToString("N");

    public FakeTimeProvider Clock { get; } = new(ClusterFixture.Start);

    public UsageLedgerFaults Faults { get; } = new();

    public TestCluster First { get; private set; } = null!;

    public TestCluster Second { get; private set; } = null!;

    /// <summary>How many events of the contract and period the store holds, read through a ledger of its own.</summary>
    public abstract Task<int> StoredEventsAsync(string contractId, string period);

    /// <summary>Names the shared store on a cluster's builder (<see cref="TestClusterStores"/>).</summary>
    protected abstract void UseStore(TestClusterBuilder builder);

    protected virtual Task StartStoreAsync() => Task.CompletedTask;

    protected virtual Task StopStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Shared[_key] = (Clock, Faults);
        await StartStoreAsync();
        First = await StartAsync(withFaults: true);
        Second = await StartAsync(withFaults: false);
    }

    public async Task DisposeAsync()
    {
        foreach (var cluster in new[] { First, Second })
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
        Shared.TryRemove(_key, out _);
        await StopStoreAsync();
    }

    private async Task<TestCluster> StartAsync(bool withFaults)
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ClusterId = $"shared-store-{Guid.NewGuid():N}";
        builder.Properties["SharedKey"] = _key;
        UseStore(builder);
        builder.Properties["WithFaults"] = withFaults ? "yes" : "no";
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = siloBuilder.Configuration;
            var (clock, faults) = Shared[configuration["SharedKey"]!];
            TestClusterStores.AddStore(siloBuilder);
            if (configuration["WithFaults"] == "yes")
            {
                var ledger = siloBuilder.Services.Last(d => d.ServiceType == typeof(IUsageLedger) && !d.IsKeyedService).ImplementationFactory!;
                siloBuilder.Services.Replace(ServiceDescriptor.Singleton<IUsageLedger>(sp => new FaultyUsageLedger((IUsageLedger)ledger(sp), faults)));
            }
            siloBuilder.Services.TryAddSingleton(new BillingCalendar(clock, BillingPeriod.DefaultZone));
            siloBuilder.Services.AddMarketplaceGrainServices();
        }
    }

    private sealed class FaultyUsageLedger(IUsageLedger inner, UsageLedgerFaults faults) : IUsageLedger
    {
        public bool UniqueAcrossPeriods => inner.UniqueAcrossPeriods;

        public async Task<UsageAppend> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
        {
            await faults.BeforeAppendAsync(records);
            return await inner.AppendAsync(records, cancellationToken);
        }

        public Task<IReadOnlyList<UsageRecord>> ReadAsync(string contractId, string period, string? exceptSource = null, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(contractId, period, exceptSource, cancellationToken);

        public Task<UsageTotals> GetTotalsAsync(string contractId, string period, CancellationToken cancellationToken = default) =>
            inner.GetTotalsAsync(contractId, period, cancellationToken);

        public Task<UsageRecord?> FindAsync(string contractId, string eventId, CancellationToken cancellationToken = default) =>
            inner.FindAsync(contractId, eventId, cancellationToken);

        public IAsyncEnumerable<UsageRecord> StreamPeriodAsync(string period, CancellationToken cancellationToken = default) =>
            inner.StreamPeriodAsync(period, cancellationToken);

        public Task<IReadOnlyList<UsageHour>> ReadHoursAsync(string period, CancellationToken cancellationToken = default) =>
            inner.ReadHoursAsync(period, cancellationToken);
    }
}

/// <summary>
/// Holds the next append that carries an armed event id until <see cref="Fail"/>, then fails it as an unavailable
/// store would; tells a test when an append of a watched id arrived.
/// </summary>
public sealed class UsageLedgerFaults
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrived = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);

    /// <summary>The next append carrying <paramref name="eventId"/> waits for <see cref="Fail"/>, then throws.</summary>
    public void HoldAndFail(string eventId) => _held[eventId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when an append carrying <paramref name="eventId"/> reaches the ledger.</summary>
    public Task Arrival(string eventId) => _arrived.GetOrAdd(eventId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Fail(string eventId)
    {
        if (_held.TryGetValue(eventId, out var held))
        {
            held.TrySetResult();
        }
    }

    internal async Task BeforeAppendAsync(IReadOnlyList<UsageRecord> records)
    {
        foreach (var record in records)
        {
            _arrived.GetOrAdd(record.EventId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
        foreach (var record in records)
        {
            if (_held.TryGetValue(record.EventId, out var held))
            {
                await held.Task;
                _held.TryRemove(record.EventId, out _);
                throw new StoreUnavailableException($"Injected: the append of '{record.EventId}' failed.", TimeSpan.FromSeconds(1), null);
            }
        }
    }
}

public sealed class SharedSqliteClustersFixture : SharedStoreClustersFixture
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "marketplace-grain-tests", Guid.NewGuid().ToString("N"));

    public override async Task<int> StoredEventsAsync(string contractId, string period)
    {
        using var database = new SqliteDatabase(new SqliteStoreOptions { DataDirectory = _dataDirectory });
        await using var ledger = new SqliteUsageLedger(database);
        return (await ledger.ReadAsync(contractId, period)).Count;
    }

    protected override void UseStore(TestClusterBuilder builder) => TestClusterStores.UseSqlite(builder, _dataDirectory);

    protected override Task StopStoreAsync()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}

/// <summary>The same over one database of the local Cosmos-protocol server.</summary>
public sealed class SharedCosmosClustersFixture : SharedStoreClustersFixture
{
    private readonly CosmosServer _server = new();
    private readonly string _database = $"overlap-{Guid.NewGuid():N}";

    public override async Task<int> StoredEventsAsync(string contractId, string period)
    {
        using var store = new CosmosStore(_server.Options(_database));
        await using var ledger = new Storage.Cosmos.Usage.CosmosUsageLedger(store);
        return (await ledger.ReadAsync(contractId, period)).Count;
    }

    protected override void UseStore(TestClusterBuilder builder) => TestClusterStores.UseCosmos(builder, _server, _database);

    protected override Task StartStoreAsync() => _server.InitializeAsync();

    protected override Task StopStoreAsync() => _server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedSqliteClustersCollection : ICollectionFixture<SharedSqliteClustersFixture>
{
    public const string Name = "two-clusters-one-sqlite-store";
}

[CollectionDefinition(Name)]
public sealed class SharedCosmosClustersCollection : ICollectionFixture<SharedCosmosClustersFixture>
{
    public const string Name = "two-clusters-one-cosmos-store";
}
