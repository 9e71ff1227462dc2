using System.Collections.Concurrent;
using Marketplace.Storage;

namespace Marketplace.Host.Tests.Billing;

/// <summary>A record of provision in memory: a test double of <see cref="IProvisionLog"/> until the stores have adapters of it.</summary>
public sealed class InMemoryProvisionLog : IProvisionLog
{
    private readonly ConcurrentDictionary<(string EventId, string SubjectId), Provision> _provisions = new();

    public Task AppendAsync(IReadOnlyList<Provision> provisions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provisions);
        foreach (var provision in provisions)
        {
            _provisions.TryAdd((provision.EventId, provision.SubjectId), provision);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Provision>> ListBySubjectAsync(string bankId, string subjectId, (DateTimeOffset At, string EventId)? before, int pageSize,
        CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Provision>>([.. _provisions.Values
            .Where(p => p.BankId == bankId && p.SubjectId == subjectId)
            .Where(p => before is not { } b || p.At < b.At || (p.At == b.At && string.CompareOrdinal(p.EventId, b.EventId) < 0))
            .OrderByDescending(p => p.At).ThenByDescending(p => p.EventId, StringComparer.Ordinal)
            .Take(pageSize)]);

    public Task<IReadOnlyList<ProvisionCount>> CountByContractAsync(string contractId, string period, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProvisionCount>>([.. _provisions.Values
            .Where(p => p.ContractId == contractId && p.Period == period)
            .GroupBy(p => p.SubjectId)
            .Select(g => new ProvisionCount(g.Key, g.Sum(p => p.Records), g.Count(p => p.Aggregate)))]);

    public Task<int> PruneAsync(DateTimeOffset before, int maxEvents, CancellationToken cancellationToken = default)
    {
        var stale = _provisions.Values.Where(p => p.At < before).Select(p => p.EventId).Distinct().Order(StringComparer.Ordinal).Take(maxEvents).ToHashSet();
        foreach (var key in _provisions.Keys.Where(k => stale.Contains(k.EventId)))
        {
            _provisions.TryRemove(key, out _);
        }
        return Task.FromResult(stale.Count);
    }
}
