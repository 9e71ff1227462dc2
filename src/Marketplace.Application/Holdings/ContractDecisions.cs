using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Holdings;

/// <summary>
/// Moves a contract through its lifecycle (approve, reject, suspend, resume, terminate) for the API and the
/// consoles alike; the contract grain decides who may take which step.
/// </summary>
public sealed class ContractDecisions(GrainReferences grains)
{
    public Task<ContractView> TakeAsync(ApiPrincipal caller, string contractId, ContractAction action, string? reason)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Identifiers.IsValidSlug(contractId))
        {
            // Routes check their ids before they get here; a form's field may hold anything.
            throw new DomainException(ErrorCodes.ContractNotFound, $"There is no contract '{contractId}'.");
        }
        return grains.Get<IContractGrain>(contractId).Transition(action, caller, reason);
    }
}
