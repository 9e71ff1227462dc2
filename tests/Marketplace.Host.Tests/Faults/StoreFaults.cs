using Marketplace.Grains;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Storage;

namespace Marketplace.Host.Tests.Faults;

/// <summary>
/// The switch of an outage: while <see cref="Unavailable"/> is on, every call into a storage port fails the way an
/// adapter fails after its retries, with <see cref="StoreUnavailableException"/>.
/// </summary>
public sealed class StoreFaults
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(3);

    private volatile bool _unavailable;

    public bool Unavailable
    {
        get => _unavailable;
        set => _unavailable = value;
    }

    /// <summary>How many calls the outage refused: tells a test whether an operation touched the store at all.</summary>
    public int Refused => _refused;

    private int _refused;

    /// <summary>While set, every grain state write or clear fails with what it makes: the store's own error, not an outage.</summary>
    public Func<Exception>? FailGrainWritesWith { get; set; }

    public void ThrowIfGrainWriteFails()
    {
        ThrowIfUnavailable();
        if (FailGrainWritesWith is { } failure)
        {
            throw failure();
        }
    }

    public void ThrowIfUnavailable()
    {
        if (_unavailable)
        {
            Interlocked.Increment(ref _refused);
            throw new StoreUnavailableException("Injected outage: the store is unreachable.", RetryAfter, null);
        }
    }

    /// <summary>Wraps the grain storage "marketplace", the record store, the usage ledger and the catalog index.</summary>
    public void Decorate(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var grainStorage = services.Last(d => d.IsKeyedService && Equals(d.ServiceKey, GrainStorage.Name) && d.ServiceType == typeof(IGrainStorage));
        var inner = grainStorage.KeyedImplementationFactory!;
        services.Remove(grainStorage);
        services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, (sp, key) => new FaultyGrainStorage((IGrainStorage)inner(sp, key), this));

        Wrap<IRecordStore>(services, inner => new FaultyRecordStore(inner, this));
        Wrap<IUsageLedger>(services, inner => new FaultyUsageLedger(inner, this));
        Wrap<ICatalogIndex>(services, inner => new FaultyCatalogIndex(inner, this));
    }

    private static void Wrap<T>(IServiceCollection services, Func<T, T> decorate) where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T) && !d.IsKeyedService);
        Func<IServiceProvider, T> create = original.ImplementationFactory is { } factory
            ? sp => (T)factory(sp)
            : original.ImplementationInstance is T instance
                ? _ => instance
                : sp => (T)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
        services.Replace(ServiceDescriptor.Singleton(sp => decorate(create(sp))));
    }
}

internal sealed class FaultyGrainStorage(IGrainStorage inner, StoreFaults faults) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfUnavailable();
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfGrainWriteFails();
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfGrainWriteFails();
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }
}

internal sealed class FaultyRecordStore(IRecordStore inner, StoreFaults faults) : IRecordStore
{
    public async Task<IRevisionWriter> BeginRevisionAsync(string datasetId, string revisionId, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return new FaultyRevisionWriter(await inner.BeginRevisionAsync(datasetId, revisionId, cancellationToken), faults);
    }

    public Task<RecordPage> ReadPageAsync(string revisionId, long afterSequence, int limit, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.ReadPageAsync(revisionId, afterSequence, limit, filters, cancellationToken);
    }

    public Task<long> RedactSubjectAsync(string revisionId, string subjectId, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.RedactSubjectAsync(revisionId, subjectId, cancellationToken);
    }

    public Task<int> DiscardAbandonedRevisionsAsync(CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.DiscardAbandonedRevisionsAsync(cancellationToken);
    }
}

internal sealed class FaultyRevisionWriter(IRevisionWriter inner, StoreFaults faults) : IRevisionWriter
{
    public Task AppendAsync(IReadOnlyList<StoredRecord> batch, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.AppendAsync(batch, cancellationToken);
    }

    public Task<long> CommitAsync(CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.CommitAsync(cancellationToken);
    }

    // Aborting is how a writer cleans up after a failure: it goes through, as the adapter's own rollback would.
    public Task AbortAsync(CancellationToken cancellationToken = default) => inner.AbortAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

internal sealed class FaultyUsageLedger(IUsageLedger inner, StoreFaults faults) : IUsageLedger
{
    public bool UniqueAcrossPeriods => inner.UniqueAcrossPeriods;

    public Task<UsageAppend> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.AppendAsync(records, cancellationToken);
    }

    public Task<IReadOnlyList<UsageRecord>> ReadAsync(string contractId, string period, string? exceptSource = null, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.ReadAsync(contractId, period, exceptSource, cancellationToken);
    }

    public Task<UsageTotals> GetTotalsAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.GetTotalsAsync(contractId, period, cancellationToken);
    }

    public Task<UsageRecord?> FindAsync(string contractId, string eventId, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.FindAsync(contractId, eventId, cancellationToken);
    }

    public IAsyncEnumerable<UsageRecord> StreamPeriodAsync(string period, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.StreamPeriodAsync(period, cancellationToken);
    }

    public Task<IReadOnlyList<UsageHour>> ReadHoursAsync(string period, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.ReadHoursAsync(period, cancellationToken);
    }
}

internal sealed class FaultyCatalogIndex(ICatalogIndex inner, StoreFaults faults) : ICatalogIndex
{
    public Task UpsertAsync(CatalogListing listing, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.UpsertAsync(listing, cancellationToken);
    }

    public Task RemoveAsync(string offeringId, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.RemoveAsync(offeringId, cancellationToken);
    }

    public Task<CatalogSearchResult> SearchAsync(CatalogQuery query, CancellationToken cancellationToken = default)
    {
        faults.ThrowIfUnavailable();
        return inner.SearchAsync(query, cancellationToken);
    }
}

/// <summary>A marketplace whose storage ports fail on demand (<see cref="Faults"/>).</summary>
public sealed class FaultyMarketplaceFixture : MarketplaceFixture
{
    public StoreFaults Faults { get; } = new();

    protected override Task<MarketplaceFactory> CreateFactoryAsync()
    {
        MarketplaceFactory? factory = null;
        factory = new MarketplaceFactory
        {
            ConfigureServices = services =>
            {
                Faults.Decorate(services);
                Hostile.SweepMarketplaceFixture.PartnerIsSelf(services, () => factory!); // h5 (issue 12): its relay's partner is itself
            },
        };
        return Task.FromResult(factory);
    }
}
