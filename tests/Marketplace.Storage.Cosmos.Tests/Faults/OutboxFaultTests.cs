using System.Net;
using Marketplace.Storage.Cosmos.Outbox;

namespace Marketplace.Storage.Cosmos.Tests.Faults;

/// <summary>
/// Claims and settlements are conditional replaces; these fail them and show that a retry is recognised as
/// its own, and that a claim that cannot finish leaves no message leased to a caller who never got it.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class OutboxFaultTests(CosmosServer server) : IAsyncLifetime
{
    private const string Outbox = CosmosStore.OutboxContainer;
    private static readonly DateTimeOffset Now = new(2025, 4, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private readonly FaultyStores stores = new(server);

    private CosmosTraffic Traffic => stores.Traffic;

    [Fact]
    public async Task A_claim_answered_503_is_retried_and_takes_the_message_once()
    {
        var outbox = new CosmosOutbox(stores.Open());
        await outbox.EnqueueAsync(Message("m-1"));
        Traffic.Inject("replace", Outbox, Fault.Unavailable);

        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));

        Assert.Equal("m-1", claim.Message.Id);
        Assert.Equal(2, Traffic.Count("replace", Outbox));
        Assert.Empty(await new CosmosOutbox(stores.Open()).ClaimDueAsync(Now, max: 10, Lease));
    }

    [Fact]
    public async Task A_claim_whose_answer_was_lost_is_recognised_as_its_own_not_as_lost_to_another_sweeper()
    {
        var outbox = new CosmosOutbox(stores.Open());
        await outbox.EnqueueAsync(Message("m-1"));
        Traffic.Inject("replace", Outbox, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable));

        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));

        Assert.True(await outbox.CompleteAsync(claim, Now));
    }

    [Fact]
    public async Task A_claim_that_keeps_failing_surfaces_as_unavailable_and_leaves_nothing_claimed()
    {
        var outbox = new CosmosOutbox(stores.Open());
        await outbox.EnqueueAsync(Message("m-1"));
        await outbox.EnqueueAsync(Message("m-2"));
        // One of the two leases lands; every attempt at the other fails, so the claim as a whole fails.
        Traffic.Inject("replace", Outbox, Fault.Unavailable, skip: 1, times: FaultyStores.TransientRetries + 1);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => outbox.ClaimDueAsync(Now, max: 2, Lease));

        var other = new CosmosOutbox(stores.Open());
        Assert.Equal(["m-1", "m-2"], (await other.ClaimDueAsync(Now, max: 10, Lease)).Select(c => c.Message.Id).Order());
    }

    [Fact]
    public async Task When_even_freeing_a_failed_claims_lease_fails_the_lease_runs_out()
    {
        var outbox = new CosmosOutbox(stores.Open());
        await outbox.EnqueueAsync(Message("m-1"));
        await outbox.EnqueueAsync(Message("m-2"));
        Traffic.Inject("replace", Outbox, Fault.Unavailable, skip: 1, times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => outbox.ClaimDueAsync(Now, max: 2, Lease));
        Traffic.Heal();

        // The message whose lease could not be freed comes back once the lease ends; the other one right away.
        var other = new CosmosOutbox(stores.Open());
        var now = Assert.Single(await other.ClaimDueAsync(Now, max: 10, TimeSpan.FromHours(1)));
        Assert.Empty(await other.ClaimDueAsync(Now + Lease - TimeSpan.FromSeconds(1), max: 10, Lease));
        var later = Assert.Single(await other.ClaimDueAsync(Now + Lease, max: 10, Lease));
        Assert.NotEqual(now.Message.Id, later.Message.Id);
    }

    [Fact]
    public async Task An_enqueue_whose_answer_was_lost_reports_it_as_added()
    {
        var outbox = new CosmosOutbox(stores.Open());
        await outbox.EnqueueAsync(Message("m-0"));
        Traffic.Inject("create", Outbox, new Fault.LoseAnswer(HttpStatusCode.ServiceUnavailable));

        Assert.True(await outbox.EnqueueAsync(Message("m-1")));

        Assert.False(await outbox.EnqueueAsync(Message("m-1")));
    }

    [Fact]
    public async Task A_completion_whose_answer_was_lost_reports_success()
    {
        var outbox = new CosmosOutbox(stores.Open());
        await outbox.EnqueueAsync(Message("m-1"));
        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));
        Traffic.Inject("replace", Outbox, new Fault.LoseAnswer(HttpStatusCode.RequestTimeout));

        Assert.True(await outbox.CompleteAsync(claim, Now));

        Assert.Equal(OutboxStatus.Done, (await outbox.GetAsync("m-1"))?.Status);
    }

    [Fact]
    public async Task A_completion_that_keeps_failing_surfaces_as_unavailable_and_keeps_the_lease()
    {
        var outbox = new CosmosOutbox(stores.Open());
        await outbox.EnqueueAsync(Message("m-1"));
        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));
        Traffic.Inject("replace", Outbox, Fault.Unavailable, times: int.MaxValue);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => outbox.CompleteAsync(claim, Now));
        Traffic.Heal();

        Assert.Equal(OutboxStatus.Pending, (await outbox.GetAsync("m-1"))?.Status);
        Assert.True(await outbox.CompleteAsync(claim, Now));
    }

    private static OutboxMessage Message(string id) => new(id, "stripe.charge", "{}", "idem-" + id, Now.AddHours(-1), Now);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync().AsTask();
}
