namespace Marketplace.Grains;

/// <summary>
/// The silos a contract or dataset grain gave access leases to, and until when (ACCESS-LEASE.md). A change first
/// revokes them all: it goes on once every silo answered that it dropped its lease, or, for a silo that does not
/// answer (dead or cut off), once its lease expired. The silos leased to are stored with the grain's state before
/// the first lease to each: an activation that follows one which issued leases revokes those silos' leases too, and
/// waits until <see cref="AccessLeaseTerms.Lifetime"/> after it activated only for a silo that does not answer.
/// </summary>
/// <remarks>
/// Bounded by <see cref="MaxSilos"/> silos, in memory and stored (a silo past it gets no lease and asks the grain on
/// every fetch); a completed revocation empties both, stored with the change that follows it. Used only from its
/// grain's turns, so it needs no lock.
/// </remarks>
internal sealed class AccessLeaseRegistry(TimeProvider time)
{
    /// <summary>More silos than a marketplace cluster runs; past it a silo gets no lease and asks the grain on every fetch.</summary>
    public const int MaxSilos = 256;

    private readonly long _activatedAt = time.GetTimestamp();
    private readonly Dictionary<IAccessLeaseObserver, long> _expiresAt = [];
    private List<IAccessLeaseObserver> _stored = [];
    private IReadOnlyList<IAccessLeaseObserver> _earlierActivation = [];

    /// <summary>Called as the grain activates, with the silos its stored state says were leased to.</summary>
    public void Activated(IReadOnlyList<IAccessLeaseObserver>? leasedTo)
    {
        _earlierActivation = leasedTo ?? [];
        _stored = [.. _earlierActivation];
    }

    /// <summary>
    /// Registers the silo's observer for <paramref name="validFor"/> from now; false when the table is full of other
    /// silos' live leases. A silo not yet stored as leased to is first stored, through <paramref name="store"/> (the
    /// grain sets the list in its state and writes it): a later activation must know whom to revoke.
    /// </summary>
    public async Task<bool> TryRegisterAsync(IAccessLeaseObserver observer, TimeSpan validFor, Func<IReadOnlyList<IAccessLeaseObserver>, Task> store)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(store);
        var now = time.GetTimestamp();
        if (!_expiresAt.ContainsKey(observer) && _expiresAt.Count >= MaxSilos)
        {
            foreach (var expired in _expiresAt.Where(e => e.Value <= now).Select(e => e.Key).ToList())
            {
                _expiresAt.Remove(expired);
            }
            if (_expiresAt.Count >= MaxSilos)
            {
                return false;
            }
        }
        if (!_stored.Contains(observer))
        {
            if (_stored.Count >= MaxSilos)
            {
                return false;
            }
            List<IAccessLeaseObserver> leasedTo = [.. _stored, observer];
            await store(leasedTo);
            _stored = leasedTo;
        }
        var until = now + (long)(validFor.TotalSeconds * time.TimestampFrequency);
        _expiresAt[observer] = Math.Max(until, _expiresAt.GetValueOrDefault(observer));
        return true;
    }

    /// <summary>
    /// Makes sure no silo serves from a lease this grain (or an activation before it) issued: call before writing a
    /// change, within the same grain turn, so no lease is issued in between. Afterwards no silo is leased to: the grain
    /// clears the silos in its state, which the change then writes.
    /// </summary>
    public async Task RevokeAsync(Func<IAccessLeaseObserver, Task> revoke)
    {
        ArgumentNullException.ThrowIfNull(revoke);
        // The activation before this one may have leased within L before it ended, for at most L: its silos are asked
        // to drop those leases too, and one that does not answer is waited out until this activation's start + L.
        var earlierUntil = _activatedAt + (long)(Lifetime.TotalSeconds * time.TimestampFrequency);
        var earlier = Left(earlierUntil) > TimeSpan.Zero ? _earlierActivation : [];
        var revoking = earlier.Where(o => !_expiresAt.ContainsKey(o)).Select(o => RevokeOneAsync(o, earlierUntil, revoke))
            .Concat(_expiresAt.Select(e => RevokeOneAsync(e.Key, earlier.Contains(e.Key) ? Math.Max(e.Value, earlierUntil) : e.Value, revoke)))
            .ToList();
        if (revoking.Count > 0)
        {
            await Task.WhenAll(revoking);
        }
        _earlierActivation = [];
        _expiresAt.Clear();
        _stored = [];
    }

    private static TimeSpan Lifetime => AccessLeaseTerms.Lifetime;

    private async Task RevokeOneAsync(IAccessLeaseObserver observer, long expiresAt, Func<IAccessLeaseObserver, Task> revoke)
    {
        try
        {
            await revoke(observer).WaitAsync(Left(expiresAt), time);
        }
        catch (Exception)
        {
            // No answer before the lease expires (a timeout), or a failed call: the silo may still hold the lease,
            // so the change waits until it can no longer be served from.
            if (Left(expiresAt) is { } left && left > TimeSpan.Zero)
            {
                await Task.Delay(left, time);
            }
        }
    }

    private TimeSpan Left(long expiresAt)
    {
        var now = time.GetTimestamp();
        return expiresAt <= now ? TimeSpan.Zero : TimeSpan.FromSeconds((expiresAt - now) / (double)time.TimestampFrequency);
    }
}
