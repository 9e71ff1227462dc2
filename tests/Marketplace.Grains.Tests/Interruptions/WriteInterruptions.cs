using Marketplace.Storage;
using Orleans.Storage;

namespace Marketplace.Grains.Tests.Interruptions;

/// <summary>
/// Counts every write the grains make through the store (grain state, the indexes, the catalog, the outbox) and,
/// when armed, refuses one of them the way an unreachable store does: an operation interrupted at that write,
/// with everything before it stored and nothing after it. Reads pass untouched.
/// </summary>
public sealed class WriteInterruptions
{
    private readonly Lock _gate = new();
    private readonly List<string> _writes = [];
    private int _failAt;

    /// <summary>How many writes were made so far: a run's writes are those after the mark it took at its start.</summary>
    public int Mark
    {
        get
        {
            lock (_gate)
            {
                return _writes.Count;
            }
        }
    }

    /// <summary>Makes the <paramref name="n"/>-th write from now fail (1 = the next).</summary>
    public void FailWrite(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        lock (_gate)
        {
            _failAt = _writes.Count + n;
        }
    }

    /// <summary>Lets every write through again.</summary>
    public void Disarm()
    {
        lock (_gate)
        {
            _failAt = 0;
        }
    }

    /// <summary>The writes after <paramref name="mark"/>, as "port target", refused ones included.</summary>
    public IReadOnlyList<string> WritesSince(int mark)
    {
        lock (_gate)
        {
            return _writes[mark..];
        }
    }

    internal void Write(string port, string target)
    {
        lock (_gate)
        {
            _writes.Add($"{port} {target}");
            if (_failAt > 0 && _writes.Count == _failAt)
            {
                _failAt = 0;
                _writes[^1] = $"refused {port} {target}";
                throw new StoreUnavailableException($"Injected interruption at write {_writes.Count} ({port} {target}).", TimeSpan.FromSeconds(1), null);
            }
        }
    }
}

internal sealed class InterruptingGrainStorage(IGrainStorage inner, WriteInterruptions interruptions) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        interruptions.Write("state", grainId.ToString());
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        interruptions.Write("clear", grainId.ToString());
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }
}

internal sealed class InterruptingHoldingsIndex(IHoldingsIndex inner, WriteInterruptions interruptions) : IHoldingsIndex
{
    public Task AddDatasetAsync(HoldingEntry dataset, CancellationToken cancellationToken = default)
    {
        interruptions.Write("holdings", dataset.ItemId);
        return inner.AddDatasetAsync(dataset, cancellationToken);
    }

    public Task AddOfferingAsync(HoldingEntry offering, CancellationToken cancellationToken = default)
    {
        interruptions.Write("holdings", offering.ItemId);
        return inner.AddOfferingAsync(offering, cancellationToken);
    }

    public Task PutContractAsync(ContractEntry contract, CancellationToken cancellationToken = default)
    {
        interruptions.Write("holdings", contract.ContractId);
        return inner.PutContractAsync(contract, cancellationToken);
    }

    public Task<IndexPage<HoldingEntry>> ListDatasetsAsync(string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ListDatasetsAsync(providerId, after, pageSize, cancellationToken);

    public Task<IndexPage<HoldingEntry>> ListOfferingsAsync(string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ListOfferingsAsync(providerId, after, pageSize, cancellationToken);

    public Task<IndexPage<ContractEntry>> ListContractsAsync(ContractQuery query, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ListContractsAsync(query, after, pageSize, cancellationToken);
}

internal sealed class InterruptingPartyDirectory(IPartyDirectory inner, WriteInterruptions interruptions) : IPartyDirectory
{
    public Task PutAsync(PartyEntry party, CancellationToken cancellationToken = default)
    {
        interruptions.Write("directory", party.PartyId);
        return inner.PutAsync(party, cancellationToken);
    }

    public Task<IndexPage<PartyEntry>> ListAsync(IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ListAsync(after, pageSize, cancellationToken);
}

internal sealed class InterruptingCatalogIndex(ICatalogIndex inner, WriteInterruptions interruptions) : ICatalogIndex
{
    public Task UpsertAsync(CatalogListing listing, CancellationToken cancellationToken = default)
    {
        interruptions.Write("catalog", listing.OfferingId);
        return inner.UpsertAsync(listing, cancellationToken);
    }

    public Task RemoveAsync(string offeringId, CancellationToken cancellationToken = default)
    {
        interruptions.Write("catalog", offeringId);
        return inner.RemoveAsync(offeringId, cancellationToken);
    }

    public Task<CatalogSearchResult> SearchAsync(CatalogQuery query, CancellationToken cancellationToken = default) =>
        inner.SearchAsync(query, cancellationToken);
}

internal sealed class InterruptingOutbox(IOutbox inner, WriteInterruptions interruptions) : IOutbox
{
    public Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        interruptions.Write("outbox", message.Kind);
        return inner.EnqueueAsync(message, cancellationToken);
    }

    public Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan leaseFor, string? kind = null, CancellationToken cancellationToken = default) =>
        inner.ClaimDueAsync(now, max, leaseFor, kind, cancellationToken);

    public Task<bool> CompleteAsync(OutboxClaim claim, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.CompleteAsync(claim, now, cancellationToken);

    public Task<bool> RetryLaterAsync(OutboxClaim claim, DateTimeOffset dueAt, string error, bool giveUp = false, CancellationToken cancellationToken = default) =>
        inner.RetryLaterAsync(claim, dueAt, error, giveUp, cancellationToken);

    public Task<bool> DiscardAsync(string id, CancellationToken cancellationToken = default)
    {
        interruptions.Write("outbox", "discard");
        return inner.DiscardAsync(id, cancellationToken);
    }

    public Task<OutboxMessage?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxStatus status, int max, CancellationToken cancellationToken = default) =>
        inner.ListAsync(status, max, cancellationToken);
}
