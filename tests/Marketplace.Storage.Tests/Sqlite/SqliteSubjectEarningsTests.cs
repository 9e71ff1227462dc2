using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteSubjectEarningsTests : SubjectEarningsConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<ISubjectEarnings> OpenAsync() =>
        Task.FromResult<ISubjectEarnings>(files.Open(database => new SqliteSubjectEarnings(database)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}
