using Marketplace.Storage.Cosmos.Outbox;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Cosmos.Tests;

[Collection(CosmosCollection.Name)]
public sealed class CosmosOutboxTests(CosmosServer server) : OutboxConformance, IAsyncLifetime
{
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan OwnershipLease = new CosmosStoreOptions().OutboxOwnershipLease;

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

    [Fact]
    public async Task Two_owners_sweeping_together_deliver_each_message_once_without_losing_a_single_lease()
    {
        var first = new CosmosOutbox(stores.Open(options => options.OutboxOwner = "silo-a"));
        var second = new CosmosOutbox(stores.Open(options => options.OutboxOwner = "silo-b"));
        var messages = Enumerable.Range(0, 60).Select(i => Message($"m-{i:00}", Now.AddSeconds(-i))).ToArray();
        await EnqueueAsync(first, messages);
        await first.RefreshOwnershipAsync(Now);
        await second.RefreshOwnershipAsync(Now);
        var later = Now + (OwnershipLease / 2);
        await first.RefreshOwnershipAsync(later);
        await second.RefreshOwnershipAsync(later);

        var delivered = await Task.WhenAll(new[] { first, second }.Select(sweeper => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (await sweeper.ClaimDueAsync(later, max: 4, TimeSpan.FromHours(1)) is { Count: > 0 } batch)
            {
                mine.AddRange(batch.Select(c => c.Message.Id));
                await Task.WhenAll(batch.Select(claim => sweeper.CompleteAsync(claim, later)));
            }

            return mine;
        })));

        Assert.Equal(messages.Select(m => m.Id).Order(), delivered.SelectMany(d => d).Order());
        Assert.Equal(60, first.ClaimAttempts + second.ClaimAttempts);
        Assert.Equal(0, first.ClaimsLost + second.ClaimsLost);
    }

    [Fact]
    public async Task Two_owners_split_the_buckets_between_them_and_never_own_the_same_one()
    {
        var first = new CosmosOutbox(stores.Open(options => options.OutboxOwner = "silo-a"));
        var second = new CosmosOutbox(stores.Open(options => options.OutboxOwner = "silo-b"));

        await first.RefreshOwnershipAsync(Now);
        await second.RefreshOwnershipAsync(Now);
        await first.RefreshOwnershipAsync(Now + (OwnershipLease / 2));
        await second.RefreshOwnershipAsync(Now + (OwnershipLease / 2));

        Assert.Equal(OutboxDocument.Buckets / 2, first.OwnedBuckets.Count);
        Assert.Equal(OutboxDocument.Buckets / 2, second.OwnedBuckets.Count);
        Assert.Empty(first.OwnedBuckets.Intersect(second.OwnedBuckets));
    }

    [Fact]
    public async Task The_buckets_of_an_owner_that_stopped_pass_to_the_other_when_its_lease_ends()
    {
        var gone = new CosmosOutbox(stores.Open(options => options.OutboxOwner = "silo-a"));
        var survivor = new CosmosOutbox(stores.Open(options => options.OutboxOwner = "silo-b"));
        await EnqueueAsync(gone, Message("m-1", Now));
        await gone.RefreshOwnershipAsync(Now);

        var during = await survivor.ClaimDueAsync(Now + OwnershipLease - TimeSpan.FromSeconds(1), max: 10, ClaimLease);
        var after = await survivor.ClaimDueAsync(Now + OwnershipLease, max: 10, ClaimLease);

        Assert.Empty(during);
        Assert.Equal(["m-1"], Ids(after));
    }

    [Fact]
    public async Task A_completed_message_carries_the_retention_as_its_time_to_live()
    {
        var store = stores.Open();
        var outbox = new CosmosOutbox(store);
        await EnqueueAsync(outbox, Message("m-1", Now));
        await outbox.CompleteAsync(Assert.Single(await outbox.ClaimDueAsync(Now, max: 1, ClaimLease)), Now);

        var container = await store.ContainerAsync(CosmosStore.OutboxContainer, CancellationToken.None);
        var stored = await container.ReadItemAsync<OutboxDocument>(OutboxDocument.IdFor("m-1"), new Microsoft.Azure.Cosmos.PartitionKey(OutboxDocument.PartitionKeyFor("m-1")));

        Assert.Equal((int)store.Options.OutboxDoneRetention.TotalSeconds, stored.Resource.TimeToLive);
    }

    [Fact]
    public async Task Where_the_server_has_no_ttl_the_owner_deletes_done_messages_past_their_retention()
    {
        var outbox = new CosmosOutbox(stores.Open(options => options.OutboxSweepsExpired = true));
        await EnqueueAsync(outbox, Message("m-done", Now), Message("m-failed", Now), Message("m-recent", Now.AddDays(6)));
        var claims = await outbox.ClaimDueAsync(Now, max: 2, ClaimLease);
        await outbox.CompleteAsync(claims.Single(c => c.Message.Id == "m-done"), Now);
        await outbox.RetryLaterAsync(claims.Single(c => c.Message.Id == "m-failed"), Now, "no", giveUp: true);
        await outbox.CompleteAsync(Assert.Single(await outbox.ClaimDueAsync(Now.AddDays(6), max: 1, ClaimLease)), Now.AddDays(6));

        await outbox.ClaimDueAsync(Now.AddDays(7).AddSeconds(1), max: 1, ClaimLease);

        Assert.Null(await outbox.GetAsync("m-done"));
        Assert.NotNull(await outbox.GetAsync("m-failed"));
        Assert.NotNull(await outbox.GetAsync("m-recent"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
