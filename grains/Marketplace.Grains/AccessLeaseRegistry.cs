namespace Marketplace.Grains;

/// <summary>
/// The silos a contract or dataset grain gave access leases to, and until when (ACCESS-LEASE.md). A change first
/// revokes them all: it goes on once every silo answered that it dropped its lease, or, for a silo that does not
/// answer (dead or cut off), once its lease expired. An activation that follows one which issued leases cannot know
/// them, so its first change waits until <see cref="AccessLeaseTerms.Lifetime"/> after it activated.
/// </summary>
/// <remarks>
/// Bounded by <see cref="MaxSilos"/> registrations (one per silo, whatever the number of leases it holds); expired
/// ones are dropped as new ones come. Used only from its grain's turns, so it needs no lock.
/// </remarks>
internal sealed class AccessLeaseRegistry(TimeProvider time)
{
    /// <summary>More silos than a marketplace cluster runs; past it a silo gets no lease and asks the grain on every fetch.</summary>
    public const int MaxSilos = 256;

    private readonly long _activatedAt = time.GetTimestamp();
    private readonly Dictionary<IAccessLeaseObserver, long> _expiresAt = [];
    private bool _leasedBefore;
    private bool _leasedStored;

    /// <summary>Called as the grain activates: whether its stored state says an earlier activation issued leases.</summary>
    public void Activated(bool leasedBefore) => _leasedBefore = _leasedStored = leasedBefore;

    /// <summary>
    /// Registers the silo's observer for <paramref name="validFor"/> from now; false when the table is full of other
    /// silos' live leases. The first registration of the grain first stores, through <paramref name="storeLeased"/>,
    /// that it leased: a later activation must know to wait out leases it cannot know.
    /// </summary>
    public async Task<bool> TryRegisterAsync(IAccessLeaseObserver observer, TimeSpan validFor, Func<Task> storeLeased)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(storeLeased);
        if (!_leasedStored)
        {
            await storeLeased();
            _leasedStored = true;
        }
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
        var until = now + (long)(validFor.TotalSeconds * time.TimestampFrequency);
        _expiresAt[observer] = Math.Max(until, _expiresAt.GetValueOrDefault(observer));
        return true;
    }

    /// <summary>
    /// Makes sure no silo serves from a lease this grain (or an activation before it) issued: call before writing a
    /// change, within the same grain turn, so no lease is issued in between.
    /// </summary>
    public async Task RevokeAsync(Func<IAccessLeaseObserver, Task> revoke)
    {
        ArgumentNullException.ThrowIfNull(revoke);
        if (_leasedBefore)
        {
            if (Lifetime - time.GetElapsedTime(_activatedAt) is { } unknownLeasesLeft && unknownLeasesLeft > TimeSpan.Zero)
            {
                // The activation before this one may have leased within L before it ended: those leases are not known here.
                await Task.Delay(unknownLeasesLeft, time);
            }
            _leasedBefore = false;
        }
        if (_expiresAt.Count == 0)
        {
            return;
        }
        await Task.WhenAll(_expiresAt.Select(e => RevokeOneAsync(e.Key, e.Value, revoke)));
        _expiresAt.Clear();
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
