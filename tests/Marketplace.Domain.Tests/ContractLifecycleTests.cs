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

    // Personal data flows only under the holding information bank's approval: nothing activates by itself and
    // the operator may reject, suspend or terminate but never approve or resume.
    private static readonly Dictionary<(ContractStatus, ContractAction), (ContractStatus To, Actor[] Actors)> AllowedForPersonalData = new()
    {
        [(ContractStatus.Requested, ContractAction.Approve)] = (ContractStatus.Active, [Actor.Provider]),
        [(ContractStatus.Requested, ContractAction.Reject)] = (ContractStatus.Rejected, [Actor.Provider, Actor.Operator]),
        [(ContractStatus.Requested, ContractAction.Terminate)] = (ContractStatus.Terminated, [Actor.Buyer, Actor.Operator]),
        [(ContractStatus.Active, ContractAction.Suspend)] = (ContractStatus.Suspended, [Actor.Provider, Actor.Operator]),
        [(ContractStatus.Suspended, ContractAction.Resume)] = (ContractStatus.Active, [Actor.Provider]),
        [(ContractStatus.Active, ContractAction.Terminate)] = (ContractStatus.Terminated, [Actor.Buyer, Actor.Provider, Actor.Operator]),
        [(ContractStatus.Suspended, ContractAction.Terminate)] = (ContractStatus.Terminated, [Actor.Buyer, Actor.Provider, Actor.Operator]),
        [(ContractStatus.Active, ContractAction.Expire)] = (ContractStatus.Expired, [Actor.System]),
        [(ContractStatus.Suspended, ContractAction.Expire)] = (ContractStatus.Expired, [Actor.System]),
    };

    public static TheoryData<ContractStatus, ContractAction, Actor, DatasetClass> EveryCombination()
    {
        var data = new TheoryData<ContractStatus, ContractAction, Actor, DatasetClass>();
        foreach (var status in Enum.GetValues<ContractStatus>())
        {
            foreach (var action in Enum.GetValues<ContractAction>())
            {
                foreach (var actor in Enum.GetValues<Actor>())
                {
                    foreach (var datasetClass in Enum.GetValues<DatasetClass>())
                    {
                        data.Add(status, action, actor, datasetClass);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void Apply_follows_the_transition_table(ContractStatus from, ContractAction action, Actor actor, DatasetClass datasetClass)
    {
        var table = datasetClass == DatasetClass.Personal ? AllowedForPersonalData : Allowed;
        if (table.TryGetValue((from, action), out var rule) && rule.Actors.Contains(actor))
        {
            Assert.Equal(rule.To, ContractLifecycle.Apply(from, action, actor, datasetClass));
            Assert.True(ContractLifecycle.CanApply(from, action, actor, datasetClass));
            return;
        }
        var ex = Assert.Throws<DomainException>(() => ContractLifecycle.Apply(from, action, actor, datasetClass));
        Assert.Equal(Allowed.ContainsKey((from, action)) ? "contract.not-permitted" : "contract.illegal-transition", ex.Code);
        Assert.False(ContractLifecycle.CanApply(from, action, actor, datasetClass));
    }

    [Fact]
    public void The_operator_is_told_that_only_the_information_bank_approves_personal_data()
    {
        var ex = Assert.Throws<DomainException>(() =>
            ContractLifecycle.Apply(ContractStatus.Requested, ContractAction.Approve, Actor.Operator, DatasetClass.Personal));

        Assert.Equal("Only the provider can approve a contract for personal data.", ex.Message);
    }

    [Fact]
    public void Personal_data_never_activates_automatically()
    {
        var ex = Assert.Throws<DomainException>(() =>
            ContractLifecycle.Apply(ContractStatus.Requested, ContractAction.Activate, Actor.System, DatasetClass.Personal));

        Assert.Equal("contract.not-permitted", ex.Code);
    }

    [Fact]
    public void Illegal_transitions_explain_the_state()
    {
        var ex = Assert.Throws<DomainException>(() =>
            ContractLifecycle.Apply(ContractStatus.Terminated, ContractAction.Approve, Actor.Provider, DatasetClass.Private));

        Assert.Equal("A Terminated contract cannot be approved: it has ended.", ex.Message);
    }

    [Fact]
    public void Illegal_transitions_use_the_right_article()
    {
        var ex = Assert.Throws<DomainException>(() => ContractLifecycle.Apply(ContractStatus.Active, ContractAction.Resume, Actor.Provider, DatasetClass.Private));

        Assert.Equal("An Active contract cannot be resumed: only a suspended contract can be resumed.", ex.Message);
    }

    [Fact]
    public void Unpermitted_actors_are_told_who_may_act()
    {
        var ex = Assert.Throws<DomainException>(() => ContractLifecycle.Apply(ContractStatus.Active, ContractAction.Suspend, Actor.Buyer, DatasetClass.Private));

        Assert.Equal("Only the provider or an operator can suspend a contract.", ex.Message);
    }

    [Fact]
    public void Three_permitted_actors_are_listed_with_commas()
    {
        var ex = Assert.Throws<DomainException>(() => ContractLifecycle.Apply(ContractStatus.Active, ContractAction.Terminate, Actor.System, DatasetClass.Private));

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
            .Any(action => Enum.GetValues<Actor>().Any(actor => Enum.GetValues<DatasetClass>()
                .Any(datasetClass => ContractLifecycle.CanApply(status, action, actor, datasetClass))));

        Assert.False(anyAllowed);
    }
}
