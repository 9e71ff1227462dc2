using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos.Usage;

/// <summary>
/// Reads and changes the totals document of one contract and period. Every change is a pure function of the
/// current document, applied by conditional replace and re-applied to a fresh read on 412: changes are
/// idempotent, so a retried replace whose first attempt landed (answer lost) changes nothing more.
/// </summary>
internal sealed class UsageCounting(CosmosStore store, Container container)
{
    // An announced event whose document never appeared (its append died before writing it) is forgotten after
    // this long: far beyond any request timeout, so a late write can no longer arrive.
    private static readonly TimeSpan ForgetUnwritten = TimeSpan.FromDays(1);

    public async Task<UsageTotalsDocument> ReadAsync(string contractId, string period, CancellationToken cancellationToken)
    {
        var partitionKey = UsageEventDocument.PartitionKeyFor(contractId, period);
        try
        {
            var response = await store.Retry.ExecuteAsync("read usage totals", ct => container.ReadItemAsync<UsageTotalsDocument>(
                UsageTotalsDocument.DocumentId, new PartitionKey(partitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return response.Resource;
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return new UsageTotalsDocument { PartitionKey = partitionKey, ContractId = contractId, Period = period };
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> (null = nothing to change) until it lands; returns the document as stored.
    /// <paramref name="known"/> saves the read when this process wrote the document last.
    /// </summary>
    public async Task<UsageTotalsDocument> UpdateAsync(
        string contractId, string period, UsageTotalsDocument? known,
        Func<UsageTotalsDocument, CancellationToken, Task<UsageTotalsDocument?>> change, CancellationToken cancellationToken)
    {
        var current = known ?? await ReadAsync(contractId, period, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var next = await change(current, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return current;
            }

            next = next with { ETag = null };
            try
            {
                var response = await store.Retry.ExecuteAsync("update usage totals", ct => current.ETag is null
                    ? container.CreateItemAsync(next, new PartitionKey(next.PartitionKey), cancellationToken: ct)
                    : container.ReplaceItemAsync(next, next.Id, new PartitionKey(next.PartitionKey), new ItemRequestOptions { IfMatchEtag = current.ETag }, ct),
                    cancellationToken).ConfigureAwait(false);
                return next with { ETag = response.ETag };
            }
            catch (CosmosException exception) when (exception.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                current = await ReadAsync(contractId, period, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The totals with every settled entry counted: what readers may see.</summary>
    public Task<UsageTotalsDocument> SettledAsync(string contractId, string period, CancellationToken cancellationToken) =>
        UpdateAsync(contractId, period, known: null, (current, ct) => CountAsync(current, new Dictionary<string, WrittenEvent>(), ct), cancellationToken);

    /// <summary>Lists the events under the append's token before their documents are written (write-ahead).</summary>
    public UsageTotalsDocument? Announce(UsageTotalsDocument current, IEnumerable<string> documentIds, string appendToken)
    {
        var now = Stamp(store.Time.GetUtcNow());
        Dictionary<string, PendingUsage>? pending = null;
        foreach (var id in documentIds)
        {
            var entry = current.Pending.GetValueOrDefault(id);
            if (entry?.Tokens.Contains(appendToken, StringComparer.Ordinal) == true)
            {
                continue;
            }

            pending ??= new Dictionary<string, PendingUsage>(current.Pending, StringComparer.Ordinal);
            pending[id] = new PendingUsage { Tokens = [.. entry?.Tokens ?? [], appendToken], First = entry?.First ?? now, Last = now };
        }

        return pending is null ? null : current with { Pending = pending };
    }

    /// <summary>
    /// Counts the events this append wrote (<paramref name="written"/>: document id → the token and units the
    /// stored document carries) and settles others' entries older than the settle window. An entry is counted
    /// only if the stored document carries one of its tokens; either way it leaves the list.
    /// </summary>
    public async Task<UsageTotalsDocument?> CountAsync(UsageTotalsDocument current, IReadOnlyDictionary<string, WrittenEvent> written, CancellationToken cancellationToken)
    {
        if (current.Pending.Count == 0)
        {
            return null;
        }

        var now = store.Time.GetUtcNow();
        var pending = new Dictionary<string, PendingUsage>(current.Pending, StringComparer.Ordinal);
        var (units, events, changed) = (current.Units, current.Events, false);
        var hours = new Dictionary<string, long[]>(current.Hours ?? [], StringComparer.Ordinal);
        foreach (var (id, entry) in current.Pending)
        {
            WrittenEvent? stored;
            if (written.TryGetValue(id, out var ours))
            {
                stored = ours;
            }
            else if (Parse(entry.Last) + store.Options.UsageSettleAfter < now)
            {
                // An append that should long have finished: look at what it left.
                stored = await ReadEventAsync(current.PartitionKey, id, cancellationToken).ConfigureAwait(false);
                if (stored is null && Parse(entry.First) + ForgetUnwritten >= now)
                {
                    continue;
                }
            }
            else
            {
                continue; // another append is in flight
            }

            if (stored is not null && entry.Tokens.Contains(stored.AppendToken, StringComparer.Ordinal))
            {
                units += stored.Units;
                events++;
                // A new array, never a change to the current document's: a failed replace retries from a fresh read.
                var hour = UsageTotalsDocument.HourOf(stored.Stored.OccurredAt);
                var sums = hours.GetValueOrDefault(hour) ?? [0, 0];
                hours[hour] = [sums[0] + stored.Units, sums[1] + 1];
            }

            pending.Remove(id);
            changed = true;
        }

        return changed ? current with { Units = units, Events = events, Pending = pending, Hours = hours } : null;
    }

    /// <summary>True while an event's document exists but its append has not counted it: readers skip it.</summary>
    public static bool IsUncounted(UsageTotalsDocument totals, UsageEventDocument document) =>
        totals.Pending.TryGetValue(document.Id, out var entry) && entry.Tokens.Contains(document.AppendToken, StringComparer.Ordinal);

    public async Task<WrittenEvent?> ReadEventAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        try
        {
            var response = await store.Retry.ExecuteAsync("read usage event", ct => container.ReadItemAsync<UsageEventDocument>(
                id, new PartitionKey(partitionKey), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return new WrittenEvent(response.Resource.AppendToken, response.Resource.Units, response.Resource.ToRecord());
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
