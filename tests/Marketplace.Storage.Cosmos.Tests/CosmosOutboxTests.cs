using Marketplace.Storage.Cosmos.Outbox;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosOutboxTests(CosmosServer server) : OutboxConformance, IAsyncLifetime
{
    private readonly CosmosTestStores stores = new(server);

    protected override Task<IOutbox> OpenOutboxAsync() => Task.FromResult<IOutbox>(new CosmosOutbox(stores.Open()));

    protected override Task<IOutbox> ReopenOutboxAsync(IOutbox current) => OpenOutboxAsync();

    [Fact]
    public async Task Two_processes_claiming_together_take_each_message_once()
    {
        var first = new CosmosOutbox(stores.Open());
        var second = new CosmosOutbox(stores.Open());
        await EnqueueAsync(first, [.. Enumerable.Range(0, 20).Select(i => Message($"m-{i:00}", Now.AddSeconds(-i)))]);

        var claims = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).ClaimDueAsync(Now, max: 5, TimeSpan.FromHours(1)))));

        var ids = claims.SelectMany(c => c).Select(c => c.Message.Id).ToArray();
        Assert.Equal(20, ids.Length);
        Assert.Equal(20, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_process_that_did_not_claim_a_message_can_still_settle_it_with_the_token()
    {
        var claimer = new CosmosOutbox(stores.Open());
        await EnqueueAsync(claimer, Message("m-1", Now));
        var claim = Assert.Single(await claimer.ClaimDueAsync(Now, max: 1, TimeSpan.FromMinutes(5)));

        var other = new CosmosOutbox(stores.Open());

        Assert.True(await other.CompleteAsync(claim, Now));
        Assert.False(await claimer.CompleteAsync(claim, Now));
        Assert.Equal(OutboxStatus.Done, (await claimer.GetAsync("m-1"))?.Status);
    }

    [Fact]
    public async Task Claims_take_the_oldest_due_first_across_every_partition()
    {
        var outbox = new CosmosOutbox(stores.Open());
        var messages = Enumerable.Range(0, 40).Select(i => Message($"m-{i}", Now.AddSeconds(-i))).ToArray();
        Assert.InRange(messages.Select(m => OutboxDocument.PartitionKeyFor(m.Id)).Distinct().Count(), OutboxDocument.Buckets / 2, OutboxDocument.Buckets);
        await EnqueueAsync(outbox, messages);

        var claims = await outbox.ClaimDueAsync(Now, max: 25, TimeSpan.FromMinutes(1));

        Assert.Equal(messages.Reverse().Take(25).Select(m => m.Id), Ids(claims));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
