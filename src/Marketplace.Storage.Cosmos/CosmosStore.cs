using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace Marketplace.Storage.Cosmos;

/// <summary>
/// The Cosmos account as the marketplace uses it: one <see cref="CosmosClient"/> (thread-safe, meant to be a
/// singleton), one database and seven containers, all partitioned on <c>/pk</c> (see DESIGN.md). The database
/// and the containers are created if missing the first time anything needs them (or at start-up through
/// <see cref="InitializeAsync"/>); a failed attempt is retried by the next caller.
/// </summary>
public sealed class CosmosStore : IDisposable
{
    internal const string GrainStateContainer = "grain-state";
    internal const string RecordsContainer = "records";
    internal const string UsageContainer = "usage";
    internal const string CatalogContainer = "catalog";
    internal const string OutboxContainer = "outbox";
    internal const string IndexesContainer = "indexes";
    internal const string ConsentContainer = "consent";
    internal const string ProvisionsContainer = "provisions";

    internal static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly CosmosClient client;
    private readonly Lock gate = new();
    private Task<Database>? initialization;

    public CosmosStore(CosmosStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Endpoint, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.Key, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.Database, nameof(options));
        Options = options;
        Time = timeProvider ?? TimeProvider.System;
        Retry = new CosmosRetryPolicy(options);
        client = new CosmosClient(options.Endpoint, options.Key, ClientOptions(options));
    }

    public CosmosStoreOptions Options { get; }

    internal TimeProvider Time { get; }

    internal CosmosRetryPolicy Retry { get; }

    /// <summary>Creates the database and containers if missing. Safe to call any number of times.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => DatabaseAsync(cancellationToken);

    internal async Task<Container> ContainerAsync(string name, CancellationToken cancellationToken)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        return database.GetContainer(name);
    }

    public void Dispose() => client.Dispose();

    /// <summary>Tests: removes this store's whole database.</summary>
    internal async Task DeleteDatabaseAsync()
    {
        try
        {
            await client.GetDatabase(Options.Database).DeleteAsync().ConfigureAwait(false);
        }
        catch (CosmosException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    private Task<Database> DatabaseAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (initialization is null || initialization.IsFaulted || initialization.IsCanceled)
            {
                // Not tied to the first caller's token: one caller giving up must not fail the others.
                initialization = Retry.ExecuteAsync("create database and containers", CreateAsync, CancellationToken.None);
            }

            return initialization.WaitAsync(cancellationToken);
        }
    }

    private async Task<Database> CreateAsync(CancellationToken cancellationToken)
    {
        // No shared database throughput: each container gets its own autoscale throughput (when configured).
        var response = await client.CreateDatabaseIfNotExistsAsync(Options.Database, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        var database = response.Database;
        foreach (var properties in ContainerDefinitions())
        {
            await database.CreateContainerIfNotExistsAsync(properties, Throughput(Options, properties.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return database;
    }

    /// <summary>
    /// A container's autoscale throughput when this store creates it: its entry in
    /// <see cref="CosmosStoreOptions.ContainerAutoscaleMaxThroughput"/>, else <see cref="CosmosStoreOptions.AutoscaleMaxThroughput"/>;
    /// null (neither set) leaves throughput to the account (serverless, or provisioned by an operator).
    /// </summary>
    internal static ThroughputProperties? Throughput(CosmosStoreOptions options, string container) =>
        (options.ContainerAutoscaleMaxThroughput.TryGetValue(container, out var own) ? own : options.AutoscaleMaxThroughput) is { } max
            ? ThroughputProperties.CreateAutoscaleThroughput(max)
            : null;

    internal static IEnumerable<ContainerProperties> ContainerDefinitions()
    {
        // Grain state is only ever read by id and partition key: index nothing, so writes cost the least.
        var grainState = new ContainerProperties(GrainStateContainer, "/pk");
        grainState.IndexingPolicy.IncludedPaths.Clear();
        grainState.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        yield return grainState;

        // Pages filter on the attempt and sequence and order by (a, seq) (the composite index), filters use the "t"
        // tokens, redaction finds a person by "sub", discarding finds headers by kind and status. The record's JSON
        // text and everything else is only returned: not indexed.
        var records = new ContainerProperties(RecordsContainer, "/pk");
        Index(records, "/a/?", "/seq/?", "/t/[]/?", "/sub/?", "/kind/?", "/status/?");
        records.IndexingPolicy.CompositeIndexes.Add(Composite("/a", "/seq"));
        yield return records;

        // Usage blocks: a shard's chain is read in order of seq (and after a checkpoint's seq), a period's layouts by
        // period, a contract's stored ids by contractId and the provider- or buyer-chosen id of each event (ev[].i),
        // which duplicate checks look up. The events' other fields, sums and hours are only returned: not indexed.
        var usage = new ContainerProperties(UsageContainer, "/pk");
        Index(usage, "/kind/?", "/seq/?", "/period/?", "/contractId/?", "/ev/[]/i/?");
        yield return usage;

        // Listings are read through the change feed and by id only (searches run in memory): index nothing.
        // Tombstones of removed listings expire by their own ttl (-1: on, with no default expiry).
        var catalog = new ContainerProperties(CatalogContainer, "/pk") { DefaultTimeToLive = -1 };
        catalog.IndexingPolicy.IncludedPaths.Clear();
        catalog.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        yield return catalog;

        // Claims filter on status, kind, dueAt and leaseUntil and sort on (status, dueAt); lists sort on (status,
        // createdAt); the expiry sweep filters on (status, completedAt); ownership reads one partition whole.
        // Nothing else is indexed. Done messages expire by their own ttl (-1: on, no default expiry).
        var outbox = new ContainerProperties(OutboxContainer, "/pk") { DefaultTimeToLive = -1 };
        Index(outbox, "/status/?", "/kind/?", "/dueAt/?", "/leaseUntil/?", "/createdAt/?", "/completedAt/?");
        outbox.IndexingPolicy.CompositeIndexes.Add(Composite("/status", "/dueAt"));
        outbox.IndexingPolicy.CompositeIndexes.Add(Composite("/status", "/createdAt"));
        outbox.IndexingPolicy.CompositeIndexes.Add(Composite("/status", "/completedAt"));
        yield return outbox;

        // Holdings, the party directory, invoices, people's earnings and key folders: pages filter on kind (and an
        // invoice's contract, buyer, provider or period) and order by k; everything else is only returned.
        var indexes = new ContainerProperties(IndexesContainer, "/pk");
        Index(indexes, "/kind/?", "/k/?", "/buyerId/?", "/contractId/?", "/providerId/?", "/period/?");
        yield return indexes;

        // Consents and people's standing (ConsentPorts.cs); a grant's JSON is only returned.
        var consent = new ContainerProperties(ConsentContainer, "/pk");
        consent.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/g/?" });
        yield return consent;

        // The record of provision, one partition per usage event: lists filter on the people's subjects and order by k;
        // each person's consent, items and records are only returned.
        var provisions = new ContainerProperties(ProvisionsContainer, "/pk");
        provisions.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/people/[]/c/?" });
        provisions.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/people/[]/i/*" });
        provisions.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/people/[]/r/?" });
        yield return provisions;
    }

    /// <summary>Indexes only <paramref name="paths"/> (each ending in <c>/?</c> or <c>/*</c>) and nothing else.</summary>
    private static void Index(ContainerProperties container, params string[] paths)
    {
        container.IndexingPolicy.IncludedPaths.Clear();
        foreach (var path in paths)
        {
            container.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        container.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
    }

    private static System.Collections.ObjectModel.Collection<CompositePath> Composite(params string[] paths) =>
        [.. paths.Select(path => new CompositePath { Path = path, Order = CompositePathSortOrder.Ascending })];

    internal static CosmosClientOptions ClientOptions(CosmosStoreOptions options)
    {
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "marketplace",
            ConnectionMode = options.EffectiveConnectionMode,
            ConsistencyLevel = options.Consistency,
            LimitToEndpoint = options.LimitToEndpoint,
            MaxRetryAttemptsOnRateLimitedRequests = options.RateLimitedRetries,
            // Inside the total retry budget, so the SDK's 429 retries and this store's together stay within it.
            MaxRetryWaitTimeOnRateLimitedRequests = options.SdkRateLimitedRetryWait,
            RequestTimeout = options.RequestTimeout,
            UseSystemTextJsonSerializerWithOptions = Json,
            // Writes answer with headers only (ETag, charge): nothing of this store reads a written body back.
            EnableContentResponseOnWrite = false,
        };

        if (options.AcceptAnyServerCertificate || options.WrapHttpHandler is not null)
        {
            clientOptions.HttpClientFactory = () => new HttpClient(Handler(options), disposeHandler: true);
        }

        return clientOptions;
    }

    private static HttpMessageHandler Handler(CosmosStoreOptions options)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (options.AcceptAnyServerCertificate)
        {
#pragma warning disable CA5359 // Development only, and only when explicitly asked for.
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        return options.WrapHttpHandler?.Invoke(sockets) ?? sockets;
    }
}
