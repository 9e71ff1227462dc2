using Marketplace.Domain;

namespace Marketplace.Grains;

public sealed partial class PartyState
{
    /// <summary>Keys issued since keys were listed with their dates; prefixes only in <see cref="KeyPrefixes"/> predate it.</summary>
    [Id(20)] public List<PartyKey> Keys { get; set; } = [];

    [Id(21)] public PartyStatus Status { get; set; }

    [Id(22)] public string? SuspensionReason { get; set; }

    [Id(23)] public DateTimeOffset? SuspendedAt { get; set; }
}

/// <summary>A party's keys and standing: the party decides which keys are its own and whether it may act at all.</summary>
public sealed partial class PartyGrain
{
    private const int MaxReasonLength = 500;

    public async Task<PartyKey> AddKey(string keyPrefix, byte[] secretHash)
    {
        EnsureRegistered();
        var keys = Keys();
        if (keys.Find(k => k.Prefix == keyPrefix) is { } listed)
        {
            if (listed.RevokedAt is not null)
            {
                throw new DomainException(ErrorCodes.ApikeyExists, "This key prefix is already taken; issue a new key.");
            }
            // The same key again (a retry): the key grain issues it if the first attempt stopped short, and
            // refuses if the prefix is another key's.
            await GrainFactory.GetGrain<IApiKeyGrain>(keyPrefix).Issue(new ApiPrincipal(this.GetPrimaryKeyString(), S.Role), secretHash);
            return listed;
        }
        if (keys.Count(k => k.RevokedAt is null) >= PartyKeys.MaxActive)
        {
            throw new DomainException(ErrorCodes.ApikeyLimit,
                $"Party '{this.GetPrimaryKeyString()}' already holds {PartyKeys.MaxActive} active keys; revoke one (POST /api/v1/parties/{{id}}/keys/{{prefix}}/revoke) before issuing another.");
        }
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.PartyKey, this.GetPrimaryKeyString(), keyPrefix));
        var key = new PartyKey(keyPrefix, Now, RevokedAt: null);
        keys.Add(key);
        ForgetOldRevokedKeys(keys);
        S.Keys = keys;
        S.KeyPrefixes.Add(keyPrefix);
        await Save();
        // Recorded first, so a key can never work without its party knowing (and able to revoke) it.
        try
        {
            await GrainFactory.GetGrain<IApiKeyGrain>(keyPrefix).Issue(new ApiPrincipal(this.GetPrimaryKeyString(), S.Role), secretHash);
        }
        catch (DomainException)
        {
            S.Keys.RemoveAll(k => k.Prefix == keyPrefix);
            S.KeyPrefixes.Remove(keyPrefix);
            await Save();
            await journal.EndAsync(intent);
            throw;
        }
        await journal.EndAsync(intent);
        return key;
    }

    public async Task SettleKey(string keyPrefix)
    {
        var keys = Keys();
        var index = keys.FindIndex(k => k.Prefix == keyPrefix);
        if (!S.Registered || index < 0)
        {
            return;
        }
        var holder = await GrainFactory.GetGrain<IApiKeyGrain>(keyPrefix).Holder();
        if (holder is null || holder.PartyId != this.GetPrimaryKeyString())
        {
            // Listed but never issued to this party: the issue stopped half-way and its secret reached no one.
            S.Keys.RemoveAll(k => k.Prefix == keyPrefix);
            S.KeyPrefixes.Remove(keyPrefix);
            await Save();
        }
        else if (holder.Revoked && keys[index].RevokedAt is null)
        {
            keys[index] = keys[index] with { RevokedAt = Now };
            S.Keys = keys;
            await Save();
        }
    }

    public Task<IReadOnlyList<PartyKey>> ListKeys()
    {
        EnsureRegistered();
        return Task.FromResult<IReadOnlyList<PartyKey>>(Keys());
    }

    public async Task<PartyKey> RevokeKey(string keyPrefix)
    {
        EnsureRegistered();
        var keys = Keys();
        var index = keys.FindIndex(k => k.Prefix == keyPrefix);
        if (index < 0)
        {
            throw new DomainException(ErrorCodes.ApikeyNotFound, $"Party '{this.GetPrimaryKeyString()}' has no key '{keyPrefix}'.");
        }
        // The key grain is revoked first (a key must stop working even if recording it here fails); the sweep
        // records a revocation that stopped in between.
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.PartyKey, this.GetPrimaryKeyString(), keyPrefix));
        if (!await GrainFactory.GetGrain<IApiKeyGrain>(keyPrefix).Revoke(this.GetPrimaryKeyString()))
        {
            await journal.EndAsync(intent);
            throw new DomainException(ErrorCodes.ApikeyNotFound, $"Party '{this.GetPrimaryKeyString()}' has no key '{keyPrefix}'.");
        }
        if (keys[index].RevokedAt is null)
        {
            keys[index] = keys[index] with { RevokedAt = Now };
            S.Keys = keys;
            await Save();
        }
        await journal.EndAsync(intent);
        return keys[index];
    }

    public async Task<PartyProfile> Suspend(string reason, string operatorId)
    {
        EnsureRegistered();
        if (S.Role == PartyRole.Operator || operatorId == this.GetPrimaryKeyString())
        {
            throw new DomainException(ErrorCodes.PartyNotSuspendable,
                "An operator cannot be suspended (nor suspend itself); revoke the operator's keys instead.");
        }
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            throw new DomainException(ErrorCodes.PartyInvalidReason,
                $"Say why the party is suspended (1 to {MaxReasonLength} characters); the reason is shown to the party.");
        }
        S.Status = PartyStatus.Suspended;
        S.SuspensionReason = reason.Trim();
        S.SuspendedAt = Now;
        await Save();
        return Profile();
    }

    public async Task<PartyProfile> Reinstate()
    {
        EnsureRegistered();
        if (S.Status != PartyStatus.Active)
        {
            S.Status = PartyStatus.Active;
            S.SuspensionReason = null;
            S.SuspendedAt = null;
            await Save();
        }
        return Profile();
    }

    public Task<PartyStatus?> GetStatus() => Task.FromResult<PartyStatus?>(S.Registered ? S.Status : null);

    /// <summary>The party's keys, including prefixes recorded before keys carried their dates (listed as issued when the party was).</summary>
    private List<PartyKey> Keys()
    {
        var keys = new List<PartyKey>(S.Keys);
        foreach (var prefix in S.KeyPrefixes.Where(p => !S.Keys.Exists(k => k.Prefix == p)))
        {
            keys.Add(new PartyKey(prefix, S.CreatedAt, RevokedAt: null));
        }
        return keys;
    }

    private void ForgetOldRevokedKeys(List<PartyKey> keys)
    {
        while (keys.Count > PartyKeys.MaxRemembered && keys.FindIndex(k => k.RevokedAt is not null) is var oldest and >= 0)
        {
            S.KeyPrefixes.Remove(keys[oldest].Prefix);
            keys.RemoveAt(oldest);
        }
    }
}
