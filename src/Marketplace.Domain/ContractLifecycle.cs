namespace Marketplace.Domain;

/// <summary>
/// Which actor may move a contract from one status to another. Requested contracts become Active by automatic
/// activation (System) or approval (Provider, Operator); Terminated, Expired and Rejected are final.
/// Personal data flows only under the holding information bank's approval: on a personal dataset's contract
/// nothing activates automatically and the operator may reject, suspend or terminate, never approve or resume.
/// </summary>
public static class ContractLifecycle
{
    private static readonly Actor[] ProviderOrOperator = [Actor.Provider, Actor.Operator];

    public static bool IsTerminal(ContractStatus status) =>
        status is ContractStatus.Terminated or ContractStatus.Expired or ContractStatus.Rejected;

    public static bool CanApply(ContractStatus from, ContractAction action, Actor actor, DatasetClass datasetClass) =>
        Rule(from, action, datasetClass) is { } rule && rule.Actors.Contains(actor);

    /// <summary>The status after <paramref name="action"/>, or a <see cref="DomainException"/> saying why not.</summary>
    public static ContractStatus Apply(ContractStatus from, ContractAction action, Actor actor, DatasetClass datasetClass)
    {
        if (Rule(from, action, datasetClass) is not { } rule)
        {
            throw new DomainException(ErrorCodes.ContractIllegalTransition,
                $"{Article(from)} {from} contract cannot be {PastTense(action)}: {WhyNot(from, action)}.");
        }
        if (!rule.Actors.Contains(actor))
        {
            throw new DomainException(ErrorCodes.ContractNotPermitted, rule.Actors.Length == 0
                ? $"Nobody can {action.ToString().ToLowerInvariant()} a contract for personal data; the information bank holding it approves each contract itself."
                : $"Only {Describe(rule.Actors)} can {action.ToString().ToLowerInvariant()} a contract{(datasetClass == DatasetClass.Personal ? " for personal data" : "")}.");
        }
        return rule.To;
    }

    private static (ContractStatus To, Actor[] Actors)? Rule(ContractStatus from, ContractAction action, DatasetClass datasetClass)
    {
        var rule = Rule(from, action);
        return rule is { } found && datasetClass == DatasetClass.Personal ? PersonalRule(action, found) : rule;
    }

    /// <summary>Only the holding information bank (the provider) lets personal data flow; the operator may only stop it.</summary>
    private static (ContractStatus To, Actor[] Actors) PersonalRule(ContractAction action, (ContractStatus To, Actor[] Actors) rule) => action switch
    {
        ContractAction.Activate => (rule.To, []),
        ContractAction.Approve or ContractAction.Resume => (rule.To, [Actor.Provider]),
        _ => rule,
    };

    private static (ContractStatus To, Actor[] Actors)? Rule(ContractStatus from, ContractAction action) => (from, action) switch
    {
        (ContractStatus.Requested, ContractAction.Activate) => (ContractStatus.Active, [Actor.System]),
        (ContractStatus.Requested, ContractAction.Approve) => (ContractStatus.Active, ProviderOrOperator),
        (ContractStatus.Requested, ContractAction.Reject) => (ContractStatus.Rejected, ProviderOrOperator),
        // A buyer withdraws its own request; the provider rejects instead.
        (ContractStatus.Requested, ContractAction.Terminate) => (ContractStatus.Terminated, [Actor.Buyer, Actor.Operator]),
        (ContractStatus.Active, ContractAction.Suspend) => (ContractStatus.Suspended, ProviderOrOperator),
        (ContractStatus.Suspended, ContractAction.Resume) => (ContractStatus.Active, ProviderOrOperator),
        (ContractStatus.Active or ContractStatus.Suspended, ContractAction.Terminate) =>
            (ContractStatus.Terminated, [Actor.Buyer, Actor.Provider, Actor.Operator]),
        (ContractStatus.Active or ContractStatus.Suspended, ContractAction.Expire) => (ContractStatus.Expired, [Actor.System]),
        _ => null,
    };

    private static string WhyNot(ContractStatus from, ContractAction action) => (from, action) switch
    {
        (ContractStatus.Terminated, _) => "it has ended",
        (ContractStatus.Expired, _) => "it has expired",
        (ContractStatus.Rejected, _) => "it was rejected",
        (ContractStatus.Active, ContractAction.Activate or ContractAction.Approve) => "it is already active",
        (ContractStatus.Suspended, ContractAction.Activate or ContractAction.Approve) => "it was approved before; resume it instead",
        (_, ContractAction.Reject) => "only a requested contract can be rejected; terminate it instead",
        (ContractStatus.Suspended, ContractAction.Suspend) => "it is already suspended",
        (_, ContractAction.Suspend) => "only an active contract can be suspended",
        (_, ContractAction.Resume) => "only a suspended contract can be resumed",
        (_, ContractAction.Expire) => "only an active or suspended contract can expire",
        _ => "the action does not apply to it",
    };

    private static string PastTense(ContractAction action) => action switch
    {
        ContractAction.Activate => "activated",
        ContractAction.Approve => "approved",
        ContractAction.Reject => "rejected",
        ContractAction.Suspend => "suspended",
        ContractAction.Resume => "resumed",
        ContractAction.Terminate => "terminated",
        ContractAction.Expire => "expired",
        _ => action.ToString(),
    };

    private static string Article(ContractStatus status) => "AEIOU".Contains(status.ToString()[0], StringComparison.Ordinal) ? "An" : "A";

    private static string Describe(Actor[] actors)
    {
        var names = actors.Select(actor => actor switch
        {
            Actor.System => "the marketplace itself",
            Actor.Operator => "an operator",
            Actor.Provider => "the provider",
            Actor.Buyer => "the buyer",
            _ => actor.ToString(),
        }).ToArray();
        return names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }
}
