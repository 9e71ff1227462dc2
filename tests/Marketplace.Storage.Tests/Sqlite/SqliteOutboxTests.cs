using Marketplace.Storage.Sqlite;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteOutboxTests : OutboxConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<IOutbox> OpenOutboxAsync() =>
        Task.FromResult<IOutbox>(files.Open(database => new SqliteOutbox(database)));

    protected override async Task<IOutbox> ReopenOutboxAsync(IOutbox current)
    {
        await files.CloseAsync(current);
        return await OpenOutboxAsync();
    }

    [Fact]
    public async Task Two_processes_sharing_the_file_claim_each_message_once()
    {
        var first = files.Open(database => new SqliteOutbox(database));
        var second = files.Open(database => new SqliteOutbox(database));
        await EnqueueAsync(first, [.. Enumerable.Range(0, 20).Select(i => Message($"m-{i:00}", Now))]);

        var claims = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).ClaimDueAsync(Now, max: 3, TimeSpan.FromHours(1)))));

        var ids = claims.SelectMany(c => c).Select(c => c.Message.Id).ToArray();
        Assert.Equal(20, ids.Length);
        Assert.Equal(20, ids.Distinct().Count());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}
