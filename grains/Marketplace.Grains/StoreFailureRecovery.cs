using Marketplace.Storage;

namespace Marketplace.Grains;

/// <summary>
/// A call that failed because a store port (the usage ledger, an index, the record store) was unavailable ends the
/// activation: the write may have landed even though the call failed, so the grain's memory (a meter's totals and
/// recorded ids, say) may be behind the store, and the next call activates the grain afresh from what the store
/// holds. Grain state itself has its own rule in <see cref="StoredState{TState}"/>: any failed state write ends the
/// activation there, whatever the exception, even when the grain catches it.
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

    // Without the exception in the reason: Orleans forwards the calls queued meanwhile to the next activation instead
    // of failing them with this call's error.
    private static void Deactivate(IIncomingGrainCallContext context, Exception e) =>
        context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError,
            $"A store was unavailable during a call ({e.Message}): the activation may be behind what the store holds."));

    private static bool IsStoreFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StoreUnavailableException)
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
