using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;

namespace Marketplace.Storage.Cosmos.Tests;

/// <summary>
/// Sits between the Cosmos SDK and the network (through <see cref="CosmosStoreOptions.WrapHttpHandler"/>):
/// logs every HTTP request by operation and container with its request charge, and fails chosen requests,
/// either before they reach the server or after (the write lands, its answer is lost).
/// </summary>
internal sealed class CosmosTraffic
{
    private readonly ConcurrentQueue<Exchange> log = new();
    private readonly List<Rule> rules = [];

    public Func<HttpMessageHandler, HttpMessageHandler> Wrap => inner => new Handler(this) { InnerHandler = inner };

    public IReadOnlyList<Exchange> Log => [.. log];

    /// <summary>The most logical partitions that had an upsert in flight at the same moment.</summary>
    public int MostPartitionsUpsertedAtOnce { get; private set; }

    private readonly Dictionary<string, int> upsertsInFlight = new(StringComparer.Ordinal);

    private string? UpsertStarted(HttpRequestMessage request, string operation)
    {
        if (operation != "upsert" || !request.Headers.TryGetValues("x-ms-documentdb-partitionkey", out var values))
        {
            return null;
        }

        var partition = values.First();
        lock (upsertsInFlight)
        {
            upsertsInFlight[partition] = upsertsInFlight.GetValueOrDefault(partition) + 1;
            MostPartitionsUpsertedAtOnce = Math.Max(MostPartitionsUpsertedAtOnce, upsertsInFlight.Count);
        }

        return partition;
    }

    private void UpsertEnded(string? partition)
    {
        if (partition is null)
        {
            return;
        }

        lock (upsertsInFlight)
        {
            if (--upsertsInFlight[partition] == 0)
            {
                upsertsInFlight.Remove(partition);
            }
        }
    }

    /// <summary>
    /// Makes requests of <paramref name="operation"/> (create, upsert, replace, read, delete, query, query-plan)
    /// to <paramref name="container"/> fail with <paramref name="fault"/>, after letting <paramref name="skip"/>
    /// of them through, <paramref name="times"/> times.
    /// </summary>
    public void Inject(string operation, string container, Fault fault, int skip = 0, int times = 1)
    {
        lock (rules)
        {
            rules.Add(new Rule(operation, container, fault, skip, times));
        }
    }

    public void Heal()
    {
        lock (rules)
        {
            rules.Clear();
        }
    }

    public void Reset() => log.Clear();

    public int Count(string operation, string? container = null) =>
        log.Count(e => e.Operation == operation && (container is null || e.Container == container));

    private Fault? FaultFor(string operation, string? container)
    {
        lock (rules)
        {
            foreach (var rule in rules.Where(r => r.Operation == operation && r.Container == container))
            {
                if (rule.Skip > 0)
                {
                    rule.Skip--;
                    continue;
                }

                if (rule.Times > 0)
                {
                    rule.Times--;
                    return rule.Fault;
                }
            }

            return null;
        }
    }

    private static (string Operation, string? Container) Classify(HttpRequestMessage request)
    {
        var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
        var collection = Array.IndexOf(segments, "colls");
        var container = collection >= 0 && collection + 1 < segments.Length ? Uri.UnescapeDataString(segments[collection + 1]) : null;
        var docs = Array.IndexOf(segments, "docs");
        if (docs < 0)
        {
            return ("metadata", container);
        }

        var onItem = docs + 1 < segments.Length;
        bool Header(string name) => request.Headers.TryGetValues(name, out var values) && values.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
        var operation = request.Method.Method switch
        {
            "GET" when onItem => "read",
            "GET" => "feed",
            "PUT" => "replace",
            "DELETE" => "delete",
            "PATCH" => "patch",
            "POST" when Header("x-ms-cosmos-is-query-plan-request") => "query-plan",
            "POST" when Header("x-ms-documentdb-isquery") || request.Content?.Headers.ContentType?.MediaType == "application/query+json" => "query",
            "POST" when Header("x-ms-documentdb-is-upsert") => "upsert",
            "POST" => "create",
            _ => request.Method.Method,
        };
        return (operation, container);
    }

    private static HttpResponseMessage Failure(HttpRequestMessage request, HttpStatusCode status)
    {
        var response = new HttpResponseMessage(status)
        {
            RequestMessage = request,
            Content = new StringContent($$"""{"code":"{{status}}","message":"Injected fault."}""", Encoding.UTF8, "application/json"),
        };
        response.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
        response.Headers.Add("x-ms-request-charge", "0");
        if (status == HttpStatusCode.TooManyRequests)
        {
            response.Headers.Add("x-ms-retry-after-ms", "5");
        }

        return response;
    }

    public sealed record Exchange(string Operation, string? Container, int Status, double Charge, bool Injected);

    private sealed class Rule(string operation, string container, Fault fault, int skip, int times)
    {
        public string Operation { get; } = operation;

        public string Container { get; } = container;

        public Fault Fault { get; } = fault;

        public int Skip { get; set; } = skip;

        public int Times { get; set; } = times;
    }

    private sealed class Handler(CosmosTraffic traffic) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var (operation, container) = Classify(request);
            var fault = container is null ? null : traffic.FaultFor(operation, container);
            switch (fault)
            {
                case Fault.Refuse refuse:
                    traffic.log.Enqueue(new Exchange(operation, container, (int)refuse.Status, 0, Injected: true));
                    return Failure(request, refuse.Status);
                case Fault.Disconnect:
                    traffic.log.Enqueue(new Exchange(operation, container, 0, 0, Injected: true));
                    throw new HttpRequestException("Injected fault: connection reset.");
                case Fault.TimeOut:
                    traffic.log.Enqueue(new Exchange(operation, container, 0, 0, Injected: true));
                    throw new TaskCanceledException("Injected fault: the request timed out.", new TimeoutException());
            }

            var partition = traffic.UpsertStarted(request, operation);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                traffic.UpsertEnded(partition);
            }

            var charge = response.Headers.TryGetValues("x-ms-request-charge", out var values)
                && double.TryParse(values.First(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            if (fault is Fault.LoseAnswer lost)
            {
                traffic.log.Enqueue(new Exchange(operation, container, (int)lost.Status, charge, Injected: true));
                response.Dispose();
                return Failure(request, lost.Status);
            }

            traffic.log.Enqueue(new Exchange(operation, container, (int)response.StatusCode, charge, Injected: false));
            return response;
        }
    }
}

internal abstract record Fault
{
    /// <summary>Answered with <paramref name="Status"/> without reaching the server.</summary>
    public sealed record Refuse(HttpStatusCode Status) : Fault;

    /// <summary>Reaches the server and takes effect, but the answer is replaced by <paramref name="Status"/>.</summary>
    public sealed record LoseAnswer(HttpStatusCode Status) : Fault;

    /// <summary>The connection drops before the request is sent.</summary>
    public sealed record Disconnect : Fault;

    /// <summary>The HTTP client gives up waiting (HttpClient's timeout exception).</summary>
    public sealed record TimeOut : Fault;

    public static readonly Fault Unavailable = new Refuse(HttpStatusCode.ServiceUnavailable);

    public static readonly Fault Throttled = new Refuse(HttpStatusCode.TooManyRequests);

    public static readonly Fault RequestTimeout = new Refuse(HttpStatusCode.RequestTimeout);
}
