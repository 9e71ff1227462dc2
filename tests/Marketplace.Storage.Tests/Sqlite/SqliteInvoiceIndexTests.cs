using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteInvoiceIndexTests : InvoiceIndexConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<IInvoiceIndex> OpenAsync() =>
        Task.FromResult<IInvoiceIndex>(files.Open(database => new SqliteInvoiceIndex(database)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}
