using System.Collections.Concurrent;

namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>A rejected console upload, kept for the page the uploader is sent to: what was wrong, line by line.</summary>
public sealed record UploadRejection(string PartyId, string DatasetId, long ErrorCount, IReadOnlyList<string> Errors, string? Code, DateTimeOffset At);

/// <summary>
/// Rejected console uploads between the post that found them and the page that shows them (post, redirect, get).
/// Only the party that uploaded reads one back, by an unguessable key. Bounded in number and in time: a page
/// reloaded after ten minutes, or after a thousand later rejections, no longer lists the lines (the file is simply
/// uploaded again). In memory only: a restart forgets them, and nothing was stored from the file anyway.
/// </summary>
public sealed class UploadRejections(Marketplace.Grains.BillingCalendar calendar)
{
    private const int Capacity = 1_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, UploadRejection> _kept = new(StringComparer.Ordinal);

    public string Keep(string partyId, string datasetId, long errorCount, IReadOnlyList<string> errors, string? code)
    {
        var now = calendar.Now;
        if (_kept.Count >= Capacity)
        {
            foreach (var old in _kept.Where(k => now - k.Value.At > Lifetime || _kept.Count >= Capacity).Select(k => k.Key).ToList())
            {
                _kept.TryRemove(old, out _);
            }
        }
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        _kept[key] = new UploadRejection(partyId, datasetId, errorCount, errors, code, now);
        return key;
    }

    /// <summary>The rejection if it is the party's own, for this dataset, and recent; otherwise null.</summary>
    public UploadRejection? Find(string? key, string partyId, string datasetId) =>
        key is not null && _kept.TryGetValue(key, out var found) && found.PartyId == partyId && found.DatasetId == datasetId
            && calendar.Now - found.At <= Lifetime
            ? found
            : null;
}
