using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Marketplace.Application.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.Operate;

/// <summary>
/// Every measurement of the Marketplace meter of one host (its own meter factory: other hosts in the test process
/// have meters of the same name), as recorded.
/// </summary>
public sealed class MeasurementLog : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();

    public MeasurementLog(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MarketplaceMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of what <paramref name="instrument"/> recorded with the tag <paramref name="tag"/> = <paramref name="value"/> (or with any tags).</summary>
    public double Sum(string instrument, string? tag = null, string? value = null) =>
        _measurements.Where(m => m.Instrument == instrument && (tag is null || (m.Tags.TryGetValue(tag, out var v) && v == value))).Sum(m => m.Value);

    public int Count(string instrument, string tag, string value) =>
        _measurements.Count(m => m.Instrument == instrument && m.Tags.TryGetValue(tag, out var v) && v == value);

    /// <summary>Reads the observable instruments (gauges) now, as a scrape would.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    /// <summary>The last value <paramref name="instrument"/> recorded.</summary>
    public double Last(string instrument) => _measurements.Last(m => m.Instrument == instrument).Value;

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue?.ToString();
        }
        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
