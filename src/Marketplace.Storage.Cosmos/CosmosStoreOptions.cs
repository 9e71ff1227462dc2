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
    /// Direct (TCP to the replicas) saves a hop and is the production setting; Gateway (HTTPS through the account
    /// endpoint) works everywhere, including behind firewalls, and is the only mode the emulators and the local
    /// server speak. Unset: Gateway for a loopback endpoint (an emulator, the local server) or when
    /// <see cref="WrapHttpHandler"/> is set (it sees Gateway traffic only), Direct otherwise.
    /// </summary>
    public ConnectionMode? ConnectionMode { get; set; }

    /// <summary>The connection mode the client uses; see <see cref="ConnectionMode"/>.</summary>
    public ConnectionMode EffectiveConnectionMode => ConnectionMode ?? (IsLoopback(Endpoint) || WrapHttpHandler is not null
        ? Microsoft.Azure.Cosmos.ConnectionMode.Gateway
        : Microsoft.Azure.Cosmos.ConnectionMode.Direct);

    /// <summary>
    /// The consistency this client reads with: Session (read your own writes, monotonic reads, one RU price for
    /// reads). Every cross-process read that matters is guarded by ETags or create-if-absent (DESIGN.md,
    /// Consistency). Strong or Bounded Staleness would double every read's cost and is not needed.
    /// </summary>
    public ConsistencyLevel Consistency { get; set; } = ConsistencyLevel.Session;

    /// <summary>
    /// True talks only to <see cref="Endpoint"/> (single-region accounts, emulators); false lets the SDK
    /// discover and fail over to an account's other (read) regions. The account has one write region (DESIGN.md).
    /// </summary>
    public bool LimitToEndpoint { get; set; } = true;

    /// <summary>
    /// Autoscale maximum RU/s given to each container this store creates (it scales between 10% and this); null
    /// leaves throughput to the account (serverless, or provisioned by an operator). No database-level (shared)
    /// throughput is ever created.
    /// </summary>
    public int? AutoscaleMaxThroughput { get; set; }

    /// <summary>Per-container autoscale maximum RU/s overriding <see cref="AutoscaleMaxThroughput"/> (e.g. "usage": 40000).</summary>
    public Dictionary<string, int> ContainerAutoscaleMaxThroughput { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Longest one call keeps retrying in total — the SDK's own 429 retries and this store's retries together —
    /// before it fails with <see cref="StoreUnavailableException"/> (the host answers 503 with Retry-After).
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Retries of a throttled (429) request made by the SDK itself, honouring the service's retry-after.</summary>
    public int RateLimitedRetries { get; set; } = 9;

    /// <summary>Longest the SDK keeps retrying throttled requests of one attempt (never more than a quarter of <see cref="RetryBudget"/>).</summary>
    public TimeSpan RateLimitedRetryWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What the SDK is given: <see cref="RateLimitedRetryWait"/>, capped at a quarter of <see cref="RetryBudget"/>.</summary>
    public TimeSpan SdkRateLimitedRetryWait => RateLimitedRetryWait < RetryBudget / 4 ? RateLimitedRetryWait : RetryBudget / 4;

    /// <summary>Retries of this store's own policy for 429 / 503 / 408 / 410 / connection failures and timeouts.</summary>
    public int TransientRetries { get; set; } = 5;

    /// <summary>First backoff of this store's retry policy; doubled each attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest single backoff of this store's retry policy.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one request to the service.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Records per logical partition of a revision (sequence / this = bucket). 1,000 records of at most 2 MB each keep
    /// a partition far within its 20 GB limit; no larger than an upload batch (1,000 records), so the batches in flight
    /// (<see cref="UploadBatchesInFlight"/>) write to different partitions, each with its own 10,000 RU/s, and a hot
    /// first page is one partition of 1,000 records (and then served from <see cref="RecordPageCacheBytes"/>).
    /// </summary>
    public long RecordsPerPartition { get; set; } = 1_000;

    /// <summary>Record batches one upload writes at once (they share <see cref="WriteConcurrency"/>).</summary>
    public int UploadBatchesInFlight { get; set; } = 4;

    /// <summary>
    /// Bytes of committed revisions' record pages each process keeps (counted as the records' text in UTF-16),
    /// so hot pages cost no request; 0 turns the cache off.
    /// </summary>
    public long RecordPageCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Longest a cached record page is served (bounds how long another process's redaction goes unseen here).</summary>
    public TimeSpan RecordPageCacheLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most records one page read examines; see <see cref="RecordScan"/>.</summary>
    public int MaxRowsScannedPerRead { get; set; } = RecordScan.DefaultMaxRows;

    /// <summary>Concurrent point writes of one revision upload (shared by its batches in flight), or of one redaction or removal.</summary>
    public int WriteConcurrency { get; set; } = 32;

    /// <summary>
    /// A staging revision whose writer has not touched it for this long is abandoned and may be discarded by
    /// any process. Writers renew it while they append.
    /// </summary>
    public TimeSpan StagingRevisionLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A usage block is summed into its shard's checkpoint only once older than this: until its commit has given up
    /// (which takes at most the retry budget twice: the write, then taking it back), a failed commit may still void it.
    /// Must exceed twice <see cref="RetryBudget"/>.
    /// </summary>
    public TimeSpan UsageSettleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Shards of a contract's usage period (partition <c>{contract}/{period}/{shard}</c>) unless
    /// <see cref="UsageShardsByContract"/> names the contract. Fixed for a period by its first write (DESIGN.md).
    /// </summary>
    public int UsageShards { get; set; } = 1;

    /// <summary>Shards per contract id for busy contracts, overriding <see cref="UsageShards"/> from the next new period on.</summary>
    public Dictionary<string, int> UsageShardsByContract { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A new period of a contract gets at least one shard per this many events its previous period held (0: off),
    /// so a contract that grew busy spreads out on its own from the next month.
    /// </summary>
    public long UsageEventsPerShard { get; set; } = 25_000_000;

    /// <summary>Most shards one contract's period is spread over.</summary>
    public int UsageMaxShards { get; set; } = 64;

    /// <summary>The configured shard count of a contract's new periods (before the previous period's volume raises it).</summary>
    public int UsageShardsFor(string contractId) =>
        UsageShardsByContract.TryGetValue(contractId, out var shards) ? shards : UsageShards;

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

    private static bool IsLoopback(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase));
}
