using System.Collections.Concurrent;
using Marketplace.Grains;

namespace Marketplace.Application.Access;

/// <summary>
/// This host's access leases (ACCESS-LEASE.md): a fetch on a leased contract is decided here, with no grain call.
/// The contract and dataset grains revoke a lease through this host's observer before they write a change, so a
/// change acknowledged to its caller is in force on the next fetch here.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="MaxLeases"/> contracts; past it, expired leases are dropped, and a contract that
/// still finds no room is served as without a lease. A lease is dropped when found expired. A lease is counted from
/// before it was asked for, on this host's clock, so it ends here no later than its grain counts it.
/// </remarks>
public sealed class AccessLeases(IGrainFactory grainFactory, GrainReferences grains, BillingCalendar calendar) : IAccessLeaseObserver
{
    /// <summary>Contracts leased at once on this host (each lease holds its dataset's view: schema and revisions).</summary>
    public const int MaxLeases = 10_000;

    private readonly ConcurrentDictionary<string, Held> _byContract = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _asking = new(StringComparer.Ordinal);
    private readonly Lock _referenceLock = new();
    private IAccessLeaseObserver? _reference;

    /// <summary>Counts revocations: a lease asked for before one and answered after it may be the revoked one, so it is not kept.</summary>
    private long _revocations;

    private sealed record Held(AccessLease Lease, long ExpiresAt, long RenewFrom);

    private TimeProvider Time => calendar.Time;

    /// <summary>The live lease of the buyer's contract, or null (none, expired, another buyer): the fetch then asks the contract grain.</summary>
    public AccessLease? Find(string contractId, string buyerId)
    {
        if (!_byContract.TryGetValue(contractId, out var held))
        {
            return null;
        }
        var now = Time.GetTimestamp();
        if (now >= held.ExpiresAt)
        {
            _byContract.TryRemove(KeyValuePair.Create(contractId, held));
            return null;
        }
        if (held.Lease.BuyerId != buyerId)
        {
            return null;
        }
        if (now >= held.RenewFrom)
        {
            // Asked for again before it ends, so a busy contract's fetches do not all fall back to the grain at once.
            _ = LeaseAsync(contractId, buyerId);
        }
        return held.Lease;
    }

    /// <summary>
    /// Asks the contract grain for a lease and keeps it unless a revocation came meanwhile; one request per contract
    /// at a time. Never fails: without a lease fetches ask the grain, as they did.
    /// </summary>
    public Task LeaseAsync(string contractId, string buyerId)
    {
        if (_asking.TryGetValue(contractId, out var asking))
        {
            return asking;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_asking.TryAdd(contractId, started.Task))
        {
            return _asking.TryGetValue(contractId, out asking) ? asking : Task.CompletedTask;
        }
        _ = AskAsync(contractId, buyerId, started);
        return started.Task;
    }

    private async Task AskAsync(string contractId, string buyerId, TaskCompletionSource done)
    {
        try
        {
            var revocations = Volatile.Read(ref _revocations);
            var askedAt = Time.GetTimestamp();
            var lease = await grains.Get<IContractGrain>(contractId).Lease(buyerId, Reference);
            if (lease is not null && lease.ContractId == contractId && lease.BuyerId == buyerId && Room(contractId))
            {
                var ticks = (long)(lease.ValidFor.TotalSeconds * Time.TimestampFrequency);
                var held = new Held(lease, askedAt + ticks, askedAt + ticks / 2);
                _byContract[contractId] = held;
                if (Interlocked.Read(ref _revocations) != revocations)
                {
                    // A revocation arrived while the lease was on its way: it may have been meant for this lease.
                    _byContract.TryRemove(KeyValuePair.Create(contractId, held));
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // No lease: fetches go on asking the contract grain, which says why if anything is wrong.
        }
        finally
        {
            _asking.TryRemove(contractId, out _);
            done.SetResult();
        }
    }

    private bool Room(string contractId)
    {
        if (_byContract.Count < MaxLeases || _byContract.ContainsKey(contractId))
        {
            return true;
        }
        var now = Time.GetTimestamp();
        foreach (var (id, held) in _byContract)
        {
            if (now >= held.ExpiresAt)
            {
                _byContract.TryRemove(KeyValuePair.Create(id, held));
            }
        }
        return _byContract.Count < MaxLeases;
    }

    /// <summary>This host's observer, as the grains reach it (created once, kept for the life of the host).</summary>
    private IAccessLeaseObserver Reference
    {
        get
        {
            lock (_referenceLock)
            {
                return _reference ??= grainFactory.CreateObjectReference<IAccessLeaseObserver>(this);
            }
        }
    }

    public Task RevokeContract(string contractId)
    {
        Interlocked.Increment(ref _revocations);
        _byContract.TryRemove(contractId, out _);
        return Task.CompletedTask;
    }

    public Task RevokeDataset(string datasetId)
    {
        Interlocked.Increment(ref _revocations);
        foreach (var (id, held) in _byContract)
        {
            if (held.Lease.Dataset.Id == datasetId)
            {
                _byContract.TryRemove(KeyValuePair.Create(id, held));
            }
        }
        return Task.CompletedTask;
    }
}
