using System.Collections.Concurrent;

namespace Marketplace.Application;

/// <summary>
/// Grain references reused across requests. Orleans resolves a grain interface's type by formatting its
/// name on every <c>GetGrain</c> call, which the profile of brokered access showed at about 8% of the CPU;
/// a reference is an immutable handle, so keeping it is safe. Bounded: cleared when it grows too large.
/// </summary>
public sealed class GrainReferences(IGrainFactory grains)
{
    private const int Capacity = 100_000;
    private readonly ConcurrentDictionary<(Type, string), IAddressable> _references = new();

    public T Get<T>(string key) where T : IGrainWithStringKey
    {
        if (_references.TryGetValue((typeof(T), key), out var known))
        {
            return (T)known;
        }
        if (_references.Count >= Capacity)
        {
            _references.Clear();
        }
        var reference = grains.GetGrain<T>(key);
        _references[(typeof(T), key)] = reference;
        return reference;
    }
}
