using System.Net;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos;

/// <summary>
/// This store's own retry on top of the SDK's: throttling (429) the SDK gave up on, 503 / 408 / 410, lost
/// connections and timeouts, with exponential backoff and jitter (at least the service's retry-after). Every
/// operation passed in must be safe to repeat; the callers make them so (create-if-absent, If-Match with a
/// write token to recognise their own earlier success, upserts and deletes). When the attempts run out the
/// caller gets a <see cref="StoreUnavailableException"/>; every other failure passes through untouched.
/// The attempts also stop when another one could overrun <see cref="CosmosStoreOptions.RetryBudget"/>: the time
/// spent so far, the next backoff and the SDK's own 429 retries of one more attempt
/// (<see cref="CosmosStoreOptions.SdkRateLimitedRetryWait"/>) must fit in it, so one call never retries for
/// longer than the budget (plus the requests' own durations).
/// </summary>
internal sealed class CosmosRetryPolicy(CosmosStoreOptions options, TimeProvider? clock = null)
{
    // Real time unless a test passes its own: stores under test often run on a fake clock that nobody advances.
    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    private static readonly TimeSpan MinimumRetryAfter = TimeSpan.FromSeconds(1);

    public async Task<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsTransient(exception, cancellationToken, out var serverRetryAfter))
            {
                var delay = Backoff(attempt, serverRetryAfter);
                var overBudget = clock.GetElapsedTime(started) + delay + options.SdkRateLimitedRetryWait > options.RetryBudget;
                if (attempt >= options.TransientRetries || overBudget)
                {
                    throw new StoreUnavailableException(
                        string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"The Cosmos store did not complete '{operation}' after {attempt + 1} attempts in {clock.GetElapsedTime(started).TotalSeconds:0.#} s: {Describe(exception)}"),
                        delay < MinimumRetryAfter ? MinimumRetryAfter : delay,
                        exception);
                }

                await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task ExecuteAsync(string operation, Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        ExecuteAsync(operation, async token =>
        {
            await action(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    internal static bool IsTransient(Exception exception, CancellationToken cancellationToken, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        switch (exception)
        {
            case CosmosException cosmos:
                retryAfter = cosmos.RetryAfter;
                return cosmos.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                    or HttpStatusCode.RequestTimeout or HttpStatusCode.Gone or (HttpStatusCode)449;
            case HttpRequestException or TimeoutException:
                return true;
            case OperationCanceledException:
                // A timeout inside the SDK or HttpClient, not the caller giving up.
                return !cancellationToken.IsCancellationRequested;
            default:
                return false;
        }
    }

    private TimeSpan Backoff(int attempt, TimeSpan? serverRetryAfter)
    {
        var exponential = options.RetryBaseDelay * Math.Pow(2, Math.Min(attempt, 16));
        var capped = exponential > options.RetryMaxDelay ? options.RetryMaxDelay : exponential;
        // Full jitter in the upper half, so a crowd of callers throttled together does not come back together.
        var jittered = capped * (0.5 + (Random.Shared.NextDouble() / 2));
        return serverRetryAfter is { } server && server > jittered ? server : jittered;
    }

    private static string Describe(Exception exception) => exception switch
    {
        CosmosException cosmos => $"{(int)cosmos.StatusCode} {cosmos.StatusCode} (substatus {cosmos.SubStatusCode})",
        _ => exception.GetType().Name + ": " + exception.Message,
    };
}
