using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Marketplace.Grains.Tests.Faults;

/// <summary>
/// Grain state writes that fail on demand, one cluster's worth: a test arms a failure for the next write of one
/// grain's state (or of any grain's state of a name, when the grain's id is not known in advance), and the real
/// store underneath is never reached for that write, so what it holds is what was stored before.
/// </summary>
public sealed class WriteFaults
{
    private readonly Lock _gate = new();
    private readonly List<Armed> _armed = [];
    private readonly List<GrainId> _failed = [];

    /// <summary>Fails the write of <paramref name="stateName"/> of <paramref name="grain"/> (any grain when null) after <paramref name="passing"/> writes that go through.</summary>
    public void FailNextWrite(string stateName, GrainId? grain, Exception error, int passing = 0)
    {
        lock (_gate)
        {
            _armed.Add(new Armed(stateName, grain, error, passing));
        }
    }

    /// <summary>Armed failures that have not fired yet: a test whose failure never fired proves nothing.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _armed.Count;
            }
        }
    }

    /// <summary>The grains whose writes failed, in order.</summary>
    public IReadOnlyList<GrainId> Failed
    {
        get
        {
            lock (_gate)
            {
                return [.. _failed];
            }
        }
    }

    public void Disarm()
    {
        lock (_gate)
        {
            _armed.Clear();
        }
    }

    internal void ThrowIfArmed(string stateName, GrainId grain)
    {
        lock (_gate)
        {
            var index = _armed.FindIndex(a => a.StateName == stateName && (a.Grain is null || a.Grain == grain));
            if (index < 0)
            {
                return;
            }
            var armed = _armed[index];
            if (armed.Passing > 0)
            {
                _armed[index] = armed with { Passing = armed.Passing - 1 };
                return;
            }
            _armed.RemoveAt(index);
            _failed.Add(grain);
            throw armed.Error;
        }
    }

    /// <summary>Puts a failing layer between the grains and the real grain storage named <paramref name="name"/>.</summary>
    public void Decorate(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registered = services.Last(d => d.IsKeyedService && Equals(d.ServiceKey, name) && d.ServiceType == typeof(IGrainStorage));
        var inner = registered.KeyedImplementationFactory!;
        services.Remove(registered);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new FailingGrainStorage((IGrainStorage)inner(sp, key), this));
    }

    private sealed record Armed(string StateName, GrainId? Grain, Exception Error, int Passing);
}

internal sealed class FailingGrainStorage(IGrainStorage inner, WriteFaults faults) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfArmed(stateName, grainId);
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfArmed(stateName, grainId);
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
