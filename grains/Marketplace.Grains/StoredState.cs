using System.Runtime.ExceptionServices;
using Marketplace.Domain;
using Marketplace.Storage;
using Orleans.Core;
using Orleans.Storage;

namespace Marketplace.Grains;

/// <summary>
/// The one home of "a grain never serves state it failed to store". Grains change their state in memory and then
/// write it; when the write fails, for whatever reason (the store is down, the disk is full, the payload does not
/// serialize, someone else wrote first), the memory holds a change the store does not. Rather than teach every
/// grain to undo its change, every grain's persistent state comes from here: a failed write ends the activation, so
/// the next call activates the grain afresh from what the store holds, and until then the state can be neither
/// read nor written again, so not even a grain that catches the failure can serve or store the attempted change.
/// Orleans resolves <see cref="IPersistentStateFactory"/> for each <c>[PersistentState]</c>, whatever the storage
/// provider underneath, so the rule holds on every store and needs no registration order.
/// </summary>
internal sealed class StoredStateFactory(IPersistentStateFactory inner) : IPersistentStateFactory
{
    public IPersistentState<TState> Create<TState>(IGrainContext context, IPersistentStateConfiguration cfg) =>
        new StoredState<TState>(inner.Create<TState>(context, cfg), context);
}

internal sealed class StoredState<TState>(IPersistentState<TState> inner, IGrainContext context) : IPersistentState<TState>
{
    private ExceptionDispatchInfo? _failure;

    public TState State
    {
        get
        {
            _failure?.Throw();
            return inner.State;
        }
        set
        {
            _failure?.Throw();
            inner.State = value;
        }
    }

    public string? Etag => inner.Etag;

    public bool RecordExists => inner.RecordExists;

    public Task ReadStateAsync() => ReadAsync(inner.ReadStateAsync);

    public Task WriteStateAsync() => GuardAsync(inner.WriteStateAsync, "write");

    public Task ClearStateAsync() => GuardAsync(inner.ClearStateAsync, "clear");

    Task IStorage.ReadStateAsync(CancellationToken cancellationToken) => ReadAsync(() => ((IStorage)inner).ReadStateAsync(cancellationToken));

    Task IStorage.WriteStateAsync(CancellationToken cancellationToken) => GuardAsync(() => ((IStorage)inner).WriteStateAsync(cancellationToken), "write");

    Task IStorage.ClearStateAsync(CancellationToken cancellationToken) => GuardAsync(() => ((IStorage)inner).ClearStateAsync(cancellationToken), "clear");

    /// <summary>A grain that reloads its state holds what the store holds again.</summary>
    private async Task ReadAsync(Func<Task> read)
    {
        try
        {
            await read();
            _failure = null;
        }
        catch (Exception e)
        {
            throw Fail(e, "read");
        }
    }

    private async Task GuardAsync(Func<Task> operation, string name)
    {
        _failure?.Throw();
        try
        {
            await operation();
        }
        catch (Exception e)
        {
            throw Fail(e, name);
        }
    }

    private Exception Fail(Exception exception, string operation)
    {
        var failure = StoreFailures.Surface(exception, $"{operation} the state of {context.GrainId}");
        _failure = ExceptionDispatchInfo.Capture(failure);
        // Without the exception in the reason: Orleans forwards the calls queued meanwhile to the next activation
        // (which reads the store) instead of failing them with this call's error.
        context.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError,
            $"Could not {operation} its state ({failure.GetType().Name}): the activation may hold a change that was never stored."));
        return failure;
    }
}

/// <summary>How a failed grain state operation reaches the caller.</summary>
internal static class StoreFailures
{
    /// <summary>
    /// The exception that tells the caller what happened: an outage, a conflict or a refusal stays itself; anything
    /// else (a raw driver error, a full disk, a serialization failure) is the store being unavailable, a 503 at the
    /// edge, with the original kept inside for the logs. Orleans wraps a provider's exception in a plain
    /// <see cref="OrleansException"/>, so the chain is searched.
    /// </summary>
    public static Exception Surface(Exception exception, string what)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StoreUnavailableException or InconsistentStateException or DomainException)
            {
                return e;
            }
        }
        var cause = exception.GetType() == typeof(OrleansException) && exception.InnerException is { } provider ? provider : exception;
        return new StoreUnavailableException(
            $"The store failed to {what} ({cause.GetType().Name}: {cause.Message}); the change was not kept. " +
            "Try again; if it keeps failing, the operator should check the store (disk space, permissions, reachability).", cause);
    }
}
