namespace Marketplace.Storage;

/// <summary>
/// The store could not be reached, or kept throttling, after every retry: the operation did not complete
/// (and left nothing half-visible). The host answers 503 with a Retry-After of <see cref="RetryAfter"/>.
/// </summary>
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
    public TimeSpan RetryAfter { get; }
}
