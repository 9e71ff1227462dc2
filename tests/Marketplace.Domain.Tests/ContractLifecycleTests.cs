namespace Marketplace.Domain.Tests;

public sealed class ContractLifecycleTests
{
    // The rules as the business states them, written independently of the implementation.
    private static readonly Dictionary<(ContractStatus, ContractAction), (ContractStatus To, Actor[] Actors)> Allowed = new()
    {
        [(ContractStatus.Requested, ContractAction.Activate)] = (ContractStatus.Active, [Actor.System]),
        [(ContractStatus.Requested, ContractAction.Approve)] = (ContractStatus.Active, [Actor.Provider, Actor.Operator]),
        [(ContractStatus.Requested, ContractAction.Reject)] = (ContractStatus.Rejected, [Actor.Provider, Actor.Operator]),
        [(ContractStatus.Requested, ContractAction.Terminate)] = (ContractStatus.Terminated, [Actor.Buyer, Actor.Operator]),
        [(ContractStatus.Active, ContractAction.Suspend)] = (ContractStatus.Suspended, [Actor.Provider, Actor.Operator]),
        [(ContractStatus.Suspended, ContractAction.Resume)] = (ContractStatus.Active, [Actor.Provider, Actor.Operator]),
        [(ContractStatus.Active, ContractAction.Terminate)] = (ContractStatus.Terminated, [Actor.Buyer, Actor.Provider, Actor.Operator]),
        [(ContractStatus.Suspended, ContractAction.Terminate)] = (ContractStatus.Terminated, [Actor.Buyer, Actor.Provider, Actor.Operator]),
        [(ContractStatus.Active, ContractAction.Expire)] = (ContractStatus.Expired, [Actor.System]),
        [(ContractStatus.Suspended, ContractAction.Expire)] = (ContractStatus.Expired, [Actor.System]),
    };

    public static TheoryData<ContractStatus, ContractAction, Actor> EveryCombination()
    {
        var data = new TheoryData<ContractStatus, ContractAction, Actor>();
        foreach (var status in Enum.GetValues<ContractStatus>())
        {
            foreach (var action in Enum.GetValues<ContractAction>())
            {
                foreach (var actor in Enum.GetValues<Actor>())
                {
                    data.Add(status, action, actor);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void Apply_follows_the_transition_table(ContractStatus from, ContractAction action, Actor actor)
    {
        if (Allowed.TryGetValue((from, action), out var rule) && rule.Actors.Contains(actor))
        {
            Assert.Equal(rule.To, ContractLifecycle.Apply(from, action, actor));
            Assert.True(ContractLifecycle.CanApply(from, action, actor));
            return;
        }
        var ex = Assert.Throws<DomainException>(() => ContractLifecycle.Apply(from, action, actor));
        Assert.Equal(Allowed.ContainsKey((from, action)) ? "contract.not-permitted" : "contract.illegal-transition", ex.Code);
        Assert.False(ContractLifecycle.CanApply(from, action, actor));
    }

    [Fact]
    public void Illegal_transitions_explain_the_state()
    {
        var ex = Assert.Throws<DomainException>(() =>
            ContractLifecycle.Apply(ContractStatus.Terminated, ContractAction.Approve, Actor.Provider));

        Assert.Equal("A Terminated contract cannot be approved: it has ended.", ex.Message);
    }

    [Fact]
    public void Illegal_transitions_use_the_right_article()
    {
        var ex = Assert.Throws<DomainException>(() => ContractLifecycle.Apply(ContractStatus.Active, ContractAction.Resume, Actor.Provider));

        Assert.Equal("An Active contract cannot be resumed: only a suspended contract can be resumed.", ex.Message);
    }

    [Fact]
    public void Unpermitted_actors_are_told_who_may_act()
    {
        var ex = Assert.Throws<DomainException>(() => ContractLifecycle.Apply(ContractStatus.Active, ContractAction.Suspend, Actor.Buyer));

        Assert.Equal("Only the provider or an operator can suspend a contract.", ex.Message);
    }

    [Fact]
    public void Three_permitted_actors_are_listed_with_commas()
    {
        var ex = Assert.Throws<DomainException>(() => ContractLifecycle.Apply(ContractStatus.Active, ContractAction.Terminate, Actor.System));

        Assert.Equal("Only the buyer, the provider or an operator can terminate a contract.", ex.Message);
    }

    [Theory]
    [InlineData(ContractStatus.Requested, false)]
    [InlineData(ContractStatus.Active, false)]
    [InlineData(ContractStatus.Suspended, false)]
    [InlineData(ContractStatus.Terminated, true)]
    [InlineData(ContractStatus.Expired, true)]
    [InlineData(ContractStatus.Rejected, true)]
    public void IsTerminal_is_true_for_ended_contracts(ContractStatus status, bool terminal)
    {
        Assert.Equal(terminal, ContractLifecycle.IsTerminal(status));
    }

    [Theory]
    [InlineData(ContractStatus.Terminated)]
    [InlineData(ContractStatus.Expired)]
    [InlineData(ContractStatus.Rejected)]
    public void Terminal_statuses_accept_no_action_from_anyone(ContractStatus status)
    {
        var anyAllowed = Enum.GetValues<ContractAction>()
            .Any(action => Enum.GetValues<Actor>().Any(actor => ContractLifecycle.CanApply(status, action, actor)));

        Assert.False(anyAllowed);
    }
}
