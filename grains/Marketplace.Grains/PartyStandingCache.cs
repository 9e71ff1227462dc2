namespace Marketplace.Grains;

/// <summary>
/// Whether either party of a contract is suspended, asked of their party grains at most once per
/// <see cref="PartyKeys.ChangesTakeEffectWithin"/>: Authorize is the hot path, and a suspension needs to take
/// effect within the same window as the key cache, not at once.
/// </summary>
internal sealed class PartyStandingCache(IGrainFactory grains, TimeProvider time, string providerId, string buyerId)
{
    private long _checkedAt;
    private bool _checkedOnce;
    private string? _suspended;

    /// <summary>How long the answer last given stands before the parties are asked again (zero before the first).</summary>
    public TimeSpan FreshFor => _checkedOnce && PartyKeys.ChangesTakeEffectWithin - time.GetElapsedTime(_checkedAt) is { } left && left > TimeSpan.Zero
        ? left
        : TimeSpan.Zero;

    /// <summary>The id of a suspended party of the contract (the provider first), or null when both may act.</summary>
    public async ValueTask<string?> SuspendedPartyAsync()
    {
        if (_checkedOnce && time.GetElapsedTime(_checkedAt) < PartyKeys.ChangesTakeEffectWithin)
        {
            return _suspended;
        }
        var started = time.GetTimestamp();
        var providerStatus = grains.GetGrain<IPartyGrain>(providerId).GetStatus();
        var buyerStatus = grains.GetGrain<IPartyGrain>(buyerId).GetStatus();
        var (provider, buyer) = (await providerStatus, await buyerStatus);
        _suspended = provider == PartyStatus.Suspended ? providerId
            : buyer == PartyStatus.Suspended ? buyerId
            : null;
        _checkedAt = started;
        _checkedOnce = true;
        return _suspended;
    }
}
