namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every <see cref="IOutbox"/> adapter shares. Time is always passed in: no clock, no sleeps.</summary>
public abstract class OutboxConformance
{
    protected static readonly DateTimeOffset Now = new(2025, 4, 1, 12, 0, 0, TimeSpan.FromHours(9));

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>Opens an outbox over this test's own, initially empty storage.</summary>
    protected abstract Task<IOutbox> OpenOutboxAsync();

    /// <summary>Shuts <paramref name="current"/> down and opens a new outbox over the same storage (a restart).</summary>
    protected abstract Task<IOutbox> ReopenOutboxAsync(IOutbox current);

    [Fact]
    public async Task Enqueue_is_idempotent_by_id_and_keeps_the_first_message()
    {
        var outbox = await OpenOutboxAsync();
        var first = Message("m-1", Now);

        Assert.True(await outbox.EnqueueAsync(first));
        Assert.False(await outbox.EnqueueAsync(first with { Payload = """{"amount":999}""" }));

        Assert.Equal(first, await outbox.GetAsync("m-1"));
    }

    [Fact]
    public async Task Get_returns_every_field_as_enqueued_and_null_for_an_unknown_id()
    {
        var outbox = await OpenOutboxAsync();
        var message = new OutboxMessage("m/1?#%~ x", "stripe.refund", "{\"é\":\"バス\"}", "idem-1", Now.AddTicks(1), Now.AddDays(1), Attempts: 2, LastError: "earlier failure");

        await outbox.EnqueueAsync(message);

        Assert.Equal(message, await outbox.GetAsync(message.Id));
        Assert.Null(await outbox.GetAsync("m-unknown"));
    }

    [Fact]
    public async Task Claim_returns_only_due_pending_messages_oldest_due_first_and_at_most_max()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox,
            Message("m-later", Now.AddSeconds(1)),
            Message("m-2", Now.AddMinutes(-2)),
            Message("m-now", Now),
            Message("m-1", Now.AddMinutes(-3)),
            Message("m-3", Now.AddMinutes(-1)));

        var first = await outbox.ClaimDueAsync(Now, max: 3, Lease);
        var rest = await outbox.ClaimDueAsync(Now, max: 3, Lease);

        Assert.Equal(["m-1", "m-2", "m-3"], Ids(first));
        Assert.Equal(["m-now"], Ids(rest));
        Assert.All(first, claim => Assert.Equal(Now + Lease, claim.LeaseUntil));
        Assert.Equal(await outbox.GetAsync("m-1"), first[0].Message);
    }

    [Fact]
    public async Task Claiming_when_nothing_is_due_returns_nothing()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now.AddHours(1)));

        Assert.Empty(await outbox.ClaimDueAsync(Now, max: 10, Lease));
    }

    [Fact]
    public async Task A_claimed_message_is_not_claimed_again_before_its_lease_ends_and_is_claimable_after()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now));
        var first = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));

        var during = await outbox.ClaimDueAsync(Now + Lease - TimeSpan.FromSeconds(1), max: 10, Lease);
        var after = Assert.Single(await outbox.ClaimDueAsync(Now + Lease, max: 10, Lease));

        Assert.Empty(during);
        Assert.Equal("m-1", after.Message.Id);
        Assert.NotEqual(first.LeaseToken, after.LeaseToken);
    }

    [Fact]
    public async Task Twenty_concurrent_claimers_over_fifty_messages_claim_each_exactly_once()
    {
        var outbox = await OpenOutboxAsync();
        var messages = Enumerable.Range(0, 50).Select(i => Message($"m-{i:00}", Now.AddSeconds(-i))).ToArray();
        await EnqueueAsync(outbox, messages);

        var claimers = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            var mine = new List<OutboxClaim>();
            while (await outbox.ClaimDueAsync(Now, max: 3, TimeSpan.FromHours(1)) is { Count: > 0 } batch)
            {
                mine.AddRange(batch);
            }

            return mine;
        }));
        var claims = (await Task.WhenAll(claimers)).SelectMany(c => c).ToArray();

        Assert.Equal(messages.Select(m => m.Id).Order(), claims.Select(c => c.Message.Id).Order());
    }

    [Fact]
    public async Task Complete_with_the_lease_token_marks_the_message_done_and_it_is_never_claimed_again()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now));
        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));

        Assert.True(await outbox.CompleteAsync(claim, Now.AddSeconds(3)));

        var stored = await outbox.GetAsync("m-1");
        Assert.Equal(OutboxStatus.Done, stored?.Status);
        Assert.Equal(Now.AddSeconds(3), stored?.CompletedAt);
        Assert.Empty(await outbox.ClaimDueAsync(Now.AddDays(30), max: 10, Lease));
        Assert.Equal(["m-1"], (await outbox.ListAsync(OutboxStatus.Done, 10)).Select(m => m.Id));
    }

    [Fact]
    public async Task Completing_a_claim_a_second_time_returns_false()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now));
        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));
        await outbox.CompleteAsync(claim, Now);

        Assert.False(await outbox.CompleteAsync(claim, Now.AddSeconds(1)));
        Assert.False(await outbox.RetryLaterAsync(claim, Now.AddMinutes(1), "late"));

        Assert.Equal(Now, (await outbox.GetAsync("m-1"))?.CompletedAt);
    }

    [Fact]
    public async Task Complete_or_retry_with_a_stale_token_returns_false_and_changes_nothing()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now));
        var stale = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));
        var current = Assert.Single(await outbox.ClaimDueAsync(Now + Lease, max: 10, Lease));

        Assert.False(await outbox.CompleteAsync(stale, Now + Lease));
        Assert.False(await outbox.RetryLaterAsync(stale, Now, "stale", giveUp: true));

        Assert.Equal(Message("m-1", Now), await outbox.GetAsync("m-1"));
        Assert.Empty(await outbox.ClaimDueAsync(Now + Lease, max: 10, Lease));
        Assert.True(await outbox.CompleteAsync(current, Now + Lease));
    }

    [Fact]
    public async Task Complete_after_the_lease_ran_out_still_succeeds_when_nobody_claimed_it_since()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now));
        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));

        Assert.True(await outbox.CompleteAsync(claim, Now + Lease + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Retry_later_counts_the_attempt_keeps_the_error_and_makes_the_message_due_at_the_given_time()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now));
        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, TimeSpan.FromHours(1)));

        Assert.True(await outbox.RetryLaterAsync(claim, Now.AddMinutes(10), "stripe: 502 bad gateway"));

        Assert.Equal(
            Message("m-1", Now.AddMinutes(10)) with { Attempts = 1, LastError = "stripe: 502 bad gateway" },
            await outbox.GetAsync("m-1"));
        Assert.Empty(await outbox.ClaimDueAsync(Now.AddMinutes(10).AddTicks(-1), max: 10, Lease));
        // Due again before the old lease would have run out: retrying ended the lease.
        var again = Assert.Single(await outbox.ClaimDueAsync(Now.AddMinutes(10), max: 10, Lease));
        Assert.Equal(1, again.Message.Attempts);
        Assert.False(await outbox.CompleteAsync(claim, Now.AddMinutes(10)));
    }

    [Fact]
    public async Task Retry_later_twice_counts_two_attempts_and_keeps_the_last_error()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now));
        var first = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));
        await outbox.RetryLaterAsync(first, Now.AddMinutes(1), "first");
        var second = Assert.Single(await outbox.ClaimDueAsync(Now.AddMinutes(1), max: 10, Lease));

        await outbox.RetryLaterAsync(second, Now.AddMinutes(5), "second");

        var stored = await outbox.GetAsync("m-1");
        Assert.Equal((2, "second", OutboxStatus.Pending), (stored?.Attempts, stored?.LastError, stored?.Status));
    }

    [Fact]
    public async Task Giving_up_marks_the_message_failed_lists_it_and_never_claims_it_again()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now), Message("m-2", Now));
        var claim = (await outbox.ClaimDueAsync(Now, max: 10, Lease)).Single(c => c.Message.Id == "m-1");

        Assert.True(await outbox.RetryLaterAsync(claim, Now.AddMinutes(1), "card declined", giveUp: true));

        var failed = Assert.Single(await outbox.ListAsync(OutboxStatus.Failed, 10));
        Assert.Equal(("m-1", 1, "card declined", OutboxStatus.Failed), (failed.Id, failed.Attempts, failed.LastError, failed.Status));
        Assert.Equal(["m-2"], (await outbox.ListAsync(OutboxStatus.Pending, 10)).Select(m => m.Id));
        Assert.Equal(["m-2"], Ids(await outbox.ClaimDueAsync(Now.AddDays(1), max: 10, Lease)));
    }

    [Fact]
    public async Task List_returns_messages_of_one_status_oldest_first_and_at_most_max()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox,
            Message("m-b", Now, createdAt: Now.AddMinutes(-2)),
            Message("m-c", Now, createdAt: Now.AddMinutes(-1)),
            Message("m-a", Now, createdAt: Now.AddMinutes(-3)),
            Message("m-d", Now, createdAt: Now));

        Assert.Equal(["m-a", "m-b", "m-c"], (await outbox.ListAsync(OutboxStatus.Pending, 3)).Select(m => m.Id));
        Assert.Empty(await outbox.ListAsync(OutboxStatus.Failed, 3));
    }

    [Fact]
    public async Task Messages_claims_and_settlements_survive_a_restart()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-done", Now.AddMinutes(-3)), Message("m-leased", Now.AddMinutes(-2)), Message("m-waiting", Now.AddMinutes(-1)));
        var claims = await outbox.ClaimDueAsync(Now, max: 2, Lease);
        await outbox.CompleteAsync(claims[0], Now);
        var done = await outbox.GetAsync("m-done");

        outbox = await ReopenOutboxAsync(outbox);

        Assert.Equal(done, await outbox.GetAsync("m-done"));
        Assert.Equal(Message("m-leased", Now.AddMinutes(-2)), await outbox.GetAsync("m-leased"));
        Assert.Equal(["m-waiting"], Ids(await outbox.ClaimDueAsync(Now, max: 10, Lease)));
        Assert.True(await outbox.CompleteAsync(claims[1], Now));
        Assert.False(await outbox.EnqueueAsync(Message("m-done", Now)));
    }

    [Fact]
    public async Task A_claim_for_one_kind_takes_only_messages_of_that_kind_and_a_claim_for_none_takes_any()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox,
            Message("m-stripe", Now.AddMinutes(-3)),
            Message("m-intent", Now.AddMinutes(-2)) with { Kind = "grain.reconcile" },
            Message("m-stripe-2", Now.AddMinutes(-1)));

        var intents = await outbox.ClaimDueAsync(Now, max: 10, Lease, kind: "grain.reconcile");
        var rest = await outbox.ClaimDueAsync(Now, max: 10, Lease);

        Assert.Equal(["m-intent"], Ids(intents));
        Assert.Equal(["m-stripe", "m-stripe-2"], Ids(rest));
    }

    [Fact]
    public async Task A_claim_for_a_kind_that_has_nothing_due_returns_nothing_and_leases_nothing()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-stripe", Now));

        Assert.Empty(await outbox.ClaimDueAsync(Now, max: 10, Lease, kind: "grain.reconcile"));
        Assert.Equal(["m-stripe"], Ids(await outbox.ClaimDueAsync(Now, max: 10, Lease, kind: "stripe.charge")));
    }

    [Fact]
    public async Task Discard_removes_a_message_so_it_is_never_claimed_and_answers_false_when_there_was_none()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now), Message("m-2", Now));

        Assert.True(await outbox.DiscardAsync("m-1"));
        Assert.False(await outbox.DiscardAsync("m-1"));
        Assert.False(await outbox.DiscardAsync("m-unknown"));

        Assert.Null(await outbox.GetAsync("m-1"));
        Assert.Equal(["m-2"], Ids(await outbox.ClaimDueAsync(Now, max: 10, Lease)));
    }

    [Fact]
    public async Task A_discarded_claim_cannot_be_settled_and_its_id_can_be_enqueued_afresh()
    {
        var outbox = await OpenOutboxAsync();
        await EnqueueAsync(outbox, Message("m-1", Now));
        var claim = Assert.Single(await outbox.ClaimDueAsync(Now, max: 10, Lease));

        Assert.True(await outbox.DiscardAsync("m-1"));

        Assert.False(await outbox.CompleteAsync(claim, Now));
        Assert.False(await outbox.RetryLaterAsync(claim, Now.AddMinutes(1), "gone"));
        Assert.True(await outbox.EnqueueAsync(Message("m-1", Now)));
    }

    protected static OutboxMessage Message(string id, DateTimeOffset dueAt, DateTimeOffset? createdAt = null) =>
        new(id, "stripe.charge", $$"""{"message":"{{id}}","amount":1200}""", "idem-" + id, createdAt ?? Now.AddHours(-1), dueAt);

    protected static async Task EnqueueAsync(IOutbox outbox, params OutboxMessage[] messages)
    {
        foreach (var message in messages)
        {
            Assert.True(await outbox.EnqueueAsync(message));
        }
    }

    protected static string[] Ids(IEnumerable<OutboxClaim> claims) => [.. claims.Select(c => c.Message.Id)];
}
