using System.Collections.Concurrent;
using Marketplace.Grains;
using Microsoft.AspNetCore.Authentication;

namespace Marketplace.Host.Auth;

/// <summary>
/// Verified keys for a short while, so a busy client does not cost a grain call per request (the key grain
/// stays the authority). Keyed by the secret's hash, never the secret. A revoked key stops working within
/// <see cref="Lifetime"/>; unknown keys are never cached, so a new key works at once.
/// </summary>
public sealed class ApiKeyCache(GrainReferences grains, BillingCalendar calendar)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, long ExpiresAt)> _verified = new(StringComparer.Ordinal);

    public async ValueTask<AuthenticationTicket?> VerifyAsync(string prefix, byte[] secretHash)
    {
        var cacheKey = prefix + ":" + Convert.ToHexString(secretHash);
        var now = calendar.Time.GetTimestamp();
        if (_verified.TryGetValue(cacheKey, out var hit) && hit.ExpiresAt > now)
        {
            return hit.Ticket;
        }
        var principal = await grains.Get<IApiKeyGrain>(prefix).Verify(secretHash);
        if (principal is null)
        {
            _verified.TryRemove(cacheKey, out _);
            return null;
        }
        if (_verified.Count >= Capacity)
        {
            _verified.Clear();
        }
        var ticket = ApiKeyAuthentication.TicketFor(principal);
        _verified[cacheKey] = (ticket, now + (long)(Lifetime.TotalSeconds * calendar.Time.TimestampFrequency));
        return ticket;
    }
}
