using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Marketplace.Host.Tests.Operate;

/// <summary>One log entry as a sink would store it: category, message, the structured values, the scopes and the exception.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, string?>> Values,
    IReadOnlyList<KeyValuePair<string, string?>> Scopes, string? Exception, string? TraceId)
{
    /// <summary>Everything of the entry as text, to search for what must never be logged.</summary>
    public string AllText => string.Join('\n', new[] { Category, Message, Exception ?? "" }
        .Concat(Values.Select(v => $"{v.Key}={v.Value}"))
        .Concat(Scopes.Select(s => $"{s.Key}={s.Value}")));

    public string? Scope(string key) => Scopes.LastOrDefault(s => s.Key == key).Value;
}

/// <summary>A logger provider that keeps every entry at every level it is given, with its scopes (tests only).</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLog> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static IEnumerable<KeyValuePair<string, string?>> Flatten(object? state) => state switch
    {
        IEnumerable<KeyValuePair<string, object?>> pairs => pairs.Select(p => new KeyValuePair<string, string?>(p.Key, Text(p.Value))),
        null => [],
        _ => [new KeyValuePair<string, string?>("", state.ToString())],
    };

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<KeyValuePair<string, string?>>();
            capture._scopes.ForEachScope((scope, list) => list.AddRange(Flatten(scope)), scopes);
            capture._entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), [.. Flatten(state)], scopes,
                exception?.ToString(), Activity.Current?.TraceId.ToString()));
        }
    }
}
