using Marketplace.Storage;
using Orleans.Storage;

namespace Marketplace.Grains;

/// <summary>
/// A grain never serves state it failed to store. Grains change their state in memory and then write it; when the
/// write fails (the store is unavailable, or an ETag says someone else wrote first) the memory holds a change the
/// store does not. Rather than teach every grain to undo its change, a call that fails on the store ends the
/// activation: the next call activates the grain afresh from what the store really holds.
/// </summary>
internal sealed class StoreFailureRecovery : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Task call;
        try
        {
            call = context.Invoke();
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            Deactivate(context, e);
            throw;
        }
        // Every grain call passes here: one that already succeeded costs no state machine.
        return call.IsCompletedSuccessfully ? Task.CompletedTask : AwaitAsync(call, context);
    }

    private static async Task AwaitAsync(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            Deactivate(context, e);
            throw;
        }
    }

    // The reason carries no exception: with one, Orleans refuses every call that reaches the activation while it
    // deactivates with that same exception, so a caller retrying at once got the old failure again; without one,
    // those calls go on to a fresh activation. The failure itself still reaches the caller of the failed call.
    private static void Deactivate(IIncomingGrainCallContext context, Exception e) =>
        context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError,
            $"The store failed during a call ({e.GetType().Name}): the activation may hold a change that was never stored."));

    public static bool IsStoreFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StoreUnavailableException or InconsistentStateException)
            {
                return true;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsStoreFailure))
            {
                return true;
            }
        }
        return false;
    }
}
