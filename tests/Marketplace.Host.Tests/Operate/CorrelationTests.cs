using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Host.Tests.Operate;

/// <summary>
/// One trace id from the HTTP request (a caller's traceparent) through the grain calls it makes to the grain storage
/// they use, and in the scope of the logs written on the way.
/// </summary>
public sealed class CorrelationTests : IAsyncLifetime, IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly MarketplaceFactory _factory;
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ActivityListener _listener;

    public CorrelationTests()
    {
        _factory = new MarketplaceFactory(settings: new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Orleans"] = "Debug",
        })
        {
            ConfigureServices = services => services.AddSingleton<ILoggerProvider>(_logs),
        };
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public Task InitializeAsync()
    {
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_request_s_trace_id_reaches_its_grain_calls_their_storage_and_the_logs_written_meanwhile()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var operatorClient = _factory.ClientWithKey(_factory.OperatorKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/parties")
        {
            Content = JsonContent.Create(new { id = MarketplaceDriver.UniqueId("provider"), role = "provider", name = "Traced provider" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await operatorClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var traced = _activities.Where(a => a.TraceId == traceId).Select(a => a.Source.Name).Distinct().ToList();
        Assert.Contains("Microsoft.Orleans.Application", traced);
        Assert.Contains("Microsoft.Orleans.Storage", traced);
        var logged = _logs.Entries.Where(e => e.Scope("TraceId") == traceId.ToString()).Select(e => e.Category).Distinct().ToList();
        Assert.Contains(logged, c => c.StartsWith("Orleans", StringComparison.Ordinal));
    }
}
