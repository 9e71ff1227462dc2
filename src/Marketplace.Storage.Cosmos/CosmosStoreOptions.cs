using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos;

/// <summary>
/// Where the Cosmos store lives and how hard it tries. The same settings serve Azure Cosmos DB, the official
/// emulator and the local development server; only <see cref="AcceptAnyServerCertificate"/> is dev-only.
/// </summary>
public sealed class CosmosStoreOptions
{
    /// <summary>The well-known key of the Cosmos DB emulators (public, never a secret).</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DUuiBxGfrNeXsyl9RcfFB+7wyDHBAcSe9H5RAyKUKCkMVA==";

    public string Endpoint { get; set; } = "";

    public string Key { get; set; } = "";

    /// <summary>Database holding the marketplace's containers; it and the containers are created if missing.</summary>
    public string Database { get; set; } = "marketplace";

    /// <summary>Development only: trust any TLS certificate (an emulator's self-signed one).</summary>
    public bool AcceptAnyServerCertificate { get; set; }

    /// <summary>
    /// Gateway (HTTPS through the account endpoint) works everywhere, including behind firewalls and against
    /// emulators; Direct (TCP to the replicas) saves a hop on Azure.
    /// </summary>
    public ConnectionMode ConnectionMode { get; set; } = ConnectionMode.Gateway;

    /// <summary>
    /// True talks only to <see cref="Endpoint"/> (single-region accounts, emulators); false lets the SDK
    /// discover and fail over to an account's other regions.
    /// </summary>
    public bool LimitToEndpoint { get; set; } = true;

    /// <summary>Throughput given to the database when this store creates it; null leaves it to the account (serverless, or set by an operator).</summary>
    public int? DatabaseThroughput { get; set; }

    /// <summary>Retries of a throttled (429) request made by the SDK itself, honouring the service's retry-after.</summary>
    public int RateLimitedRetries { get; set; } = 9;

    /// <summary>Longest the SDK keeps retrying throttled requests in total.</summary>
    public TimeSpan RateLimitedRetryWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of this store's own policy for 429 / 503 / 408 / 410 / connection failures and timeouts.</summary>
    public int TransientRetries { get; set; } = 5;

    /// <summary>First backoff of this store's retry policy; doubled each attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest single backoff of this store's retry policy.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one request to the service.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Records per logical partition of a revision (sequence / this = bucket). 10,000 records of at most
    /// 2 MB each keep a partition within its 20 GB limit.
    /// </summary>
    public long RecordsPerPartition { get; set; } = 10_000;

    /// <summary>
    /// Bytes of committed revisions' record pages each process keeps (counted as the records' text in UTF-16),
    /// so hot pages cost no request; 0 turns the cache off.
    /// </summary>
    public long RecordPageCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Longest a cached record page is served (bounds how long another process's redaction goes unseen here).</summary>
    public TimeSpan RecordPageCacheLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most records one page read examines; see <see cref="RecordScan"/>.</summary>
    public int MaxRowsScannedPerRead { get; set; } = RecordScan.DefaultMaxRows;

    /// <summary>Concurrent point writes one append issues.</summary>
    public int WriteConcurrency { get; set; } = 32;

    /// <summary>
    /// A staging revision whose writer has not touched it for this long is abandoned and may be discarded by
    /// any process. Writers renew it while they append.
    /// </summary>
    public TimeSpan StagingRevisionLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A usage event left pending by an append that never finished (a crash between writing the event and
    /// counting it) is settled by the next reader or writer of its contract and period after this long.
    /// Must exceed the longest an append can take, retries included.
    /// </summary>
    public TimeSpan UsageSettleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often each process reads the catalog's change feed into its in-memory copy: a listing changed in one
    /// process is searchable in every other within this interval plus one feed read.
    /// </summary>
    public TimeSpan CatalogFeedInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// This process's name as an outbox owner; processes with the same name share their buckets (default: machine
    /// name and process id, so a process restarted elsewhere waits at most <see cref="OutboxOwnershipLease"/> for them).
    /// </summary>
    public string? OutboxOwner { get; set; }

    /// <summary>How long an outbox bucket stays with its owner without a renewal (renewed every half of it while claiming).</summary>
    public TimeSpan OutboxOwnershipLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a done outbox message is kept before it expires (the service's TTL, or the sweep below).</summary>
    public TimeSpan OutboxDoneRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// True where the server has no TTL expiry (the local development server): each owner deletes its buckets'
    /// expired done messages while claiming. False on the service, whose TTL does it for free.
    /// </summary>
    public bool OutboxSweepsExpired { get; set; }

    /// <summary>Test hook: wraps the HTTP handler every request goes through (fault injection, request counting).</summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? WrapHttpHandler { get; set; }
}
