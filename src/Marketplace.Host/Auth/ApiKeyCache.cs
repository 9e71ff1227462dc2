using System.Collections.Concurrent;
using System.Security.Cryptography;
using Marketplace.Grains;
using Microsoft.AspNetCore.Authentication;

namespace Marketplace.Host.Auth;

/// <summary>
/// Verified keys for a short while, so a busy client does not cost a grain call per request (the key grain
/// stays the authority). A revoked key or a suspended party's key stops working within <see cref="Lifetime"/>
/// everywhere, and at once on the host that revoked or suspended it. Prefixes under which no key was ever
/// issued are remembered for <see cref="UnknownLifetime"/>, so a flood of made-up keys costs one grain call per
/// prefix, not per request; issuing a key forgets its prefix here, so a new key works at once on this host.
/// Both caches are bounded; a wrong secret for a real prefix is never remembered (that would lock its owner out).
/// </summary>
public sealed class ApiKeyCache(GrainReferences grains, BillingCalendar calendar)
{
    public static readonly TimeSpan Lifetime = PartyKeys.ChangesTakeEffectWithin;
    public static readonly TimeSpan UnknownLifetime = TimeSpan.FromSeconds(10);
    public const int Capacity = 10_000;
    public const int UnknownCapacity = 10_000;

    private readonly ConcurrentDictionary<string, (byte[] SecretHash, AuthenticationTicket Ticket, long ExpiresAt)> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);

    /// <summary>How many unknown prefixes are remembered now (for tests of the bound).</summary>
    public int UnknownCount => _unknown.Count;

    public async ValueTask<AuthenticationTicket?> VerifyAsync(string prefix, byte[] secretHash)
    {
        var now = calendar.Time.GetTimestamp();
        if (_verified.TryGetValue(prefix, out var hit) && hit.ExpiresAt > now
            && CryptographicOperations.FixedTimeEquals(hit.SecretHash, secretHash))
        {
            return hit.Ticket;
        }
        if (_unknown.TryGetValue(prefix, out var unknownUntil) && unknownUntil > now)
        {
            return null;
        }
        var verification = await grains.Get<IApiKeyGrain>(prefix).Verify(secretHash);
        if (verification.Principal is not { } principal)
        {
            _verified.TryRemove(prefix, out _);
            if (!verification.KnownPrefix)
            {
                Remember(_unknown, prefix, now + Ticks(UnknownLifetime), UnknownCapacity);
            }
            return null;
        }
        var ticket = ApiKeyAuthentication.TicketFor(principal, prefix);
        Remember(_verified, prefix, (secretHash, ticket, now + Ticks(Lifetime)), Capacity);
        return ticket;
    }

    /// <summary>Drops what this host remembers about a key: after issuing, revoking, suspending or reinstating.</summary>
    public void Forget(string prefix)
    {
        _verified.TryRemove(prefix, out _);
        _unknown.TryRemove(prefix, out _);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * calendar.Time.TimestampFrequency);

    private static void Remember<T>(ConcurrentDictionary<string, T> cache, string prefix, T value, int capacity)
    {
        // A crude bound, but a bound: when full, start again rather than grow (the grains stay the authority).
        if (cache.Count >= capacity)
        {
            cache.Clear();
        }
        cache[prefix] = value;
    }
}
