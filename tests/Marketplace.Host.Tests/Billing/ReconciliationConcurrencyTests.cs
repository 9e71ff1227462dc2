using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Host.Tests.Billing;

/// <summary>Many operators' starts at once, with the jobs running alongside: every one is accepted, none fails.</summary>
public sealed class ReconciliationConcurrencyTests
{
    [Fact]
    public async Task Sixty_concurrent_starts_are_all_accepted_and_the_errors_are_shown_if_not()
    {
        var logs = new List<string>();
        await using var factory = new MarketplaceFactory()
        {
            ConfigureServices = s => s.AddLogging(b => b.AddProvider(new ListLogger(logs))),
        };
        var client = factory.ClientWithKey(factory.OperatorKey);
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
        {
            var r = await client.PostAsync("/api/v1/billing/periods/2026-10/reconciliation", null);
            return ((int)r.StatusCode, await r.Content.ReadAsStringAsync());
        }));
        var bad = answers.Where(a => a.Item1 != 202).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Select(b => b.Item2)) + "\n" + string.Join("\n", logs.Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(5)));
    }

    private sealed class ListLogger(List<string> logs) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (logs) { logs.Add(formatter(state, exception) + " " + exception); }
        }
    }
}
