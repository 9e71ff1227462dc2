using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteConsentIndexTests : ConsentIndexConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<IConsentIndex> OpenAsync() =>
        Task.FromResult<IConsentIndex>(files.Open(database => new SqliteConsentIndex(database)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}

public sealed class SqliteProvisionLogTests : ProvisionLogConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<IProvisionLog> OpenAsync() =>
        Task.FromResult<IProvisionLog>(files.Open(database => new SqliteProvisionLog(database)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}

public sealed class SqliteRecordRedactionTests : RecordRedactionConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<IRecordStore> OpenStoreAsync() =>
        Task.FromResult<IRecordStore>(files.Open(database => new SqliteRecordStore(database)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}
