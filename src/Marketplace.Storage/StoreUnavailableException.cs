namespace Marketplace.Storage;

/// <summary>
/// The store could not be reached, or kept throttling, after every retry: the operation did not complete
/// (and left nothing half-visible). The host answers 503 with a Retry-After of <see cref="RetryAfter"/>.
/// Serializable by Orleans, so an outage met by a grain on another host still reaches the edge as itself (a 503),
/// not as an opaque runtime error.
/// </summary>
[GenerateSerializer, Alias("Marketplace.StoreUnavailableException")]
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
        : this("The store is unavailable.")
    {
    }

    public StoreUnavailableException(string message)
        : this(message, TimeSpan.FromSeconds(1), null)
    {
    }

    public StoreUnavailableException(string message, Exception? innerException)
        : this(message, TimeSpan.FromSeconds(1), innerException)
    {
    }

    public StoreUnavailableException(string message, TimeSpan retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        RetryAfter = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
    }

    /// <summary>How long the caller should wait before trying again.</summary>
    [Id(0)]
    public TimeSpan RetryAfter { get; }
}
